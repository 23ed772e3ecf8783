import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MeasureError } from '../errors.js';
import { runCommand } from '../util/run-command.js';
import { type ArpPacket, parseArpLine, type WireObservations } from './arp-lines.js';

/** A node whose addresses the watch polls and whose MAC it names. */
export interface WatchedNode {
  name: string;
  mac: string;
  /** Its network namespace (local backend); absent: its addresses are not polled. */
  netns?: string;
  ifname: string;
}

export interface ArpWatchOptions {
  /** The client namespace: tcpdump and arping run there, on `iface`. */
  netns: string;
  iface: string;
  clientIp: string;
  vips: readonly string[];
  nodes: readonly WatchedNode[];
  /** Longest the watch may run; every process it starts is bounded by it. */
  maxSeconds: number;
  /** ARP request period per VIP (default 150 ms). */
  arpIntervalMs?: number;
  /** Node address poll period (default 250 ms, longer with many nodes). */
  addrPollMs?: number;
}

/** Most VIPs one watch sends ARP requests to (one arping each). */
export const MAX_WATCHED_VIPS = 32;

/**
 * Watches the client segment for who answers ARP for a trial's VIPs: tcpdump in the client
 * namespace (it decodes the frames; we read its text lines), one bounded arping per VIP so every
 * answering MAC replies to a request of its own (the client's ARP cache would hide a second
 * answerer), and a poll of each node's bound addresses. {@link stop} returns what it saw.
 */
export class ArpWatch {
  readonly #packets: ArpPacket[] = [];
  readonly #polls: WireObservations['addrPolls'][number][] = [];
  readonly #children: ChildProcess[] = [];
  #polling = true;
  #poller: Promise<void> = Promise.resolve();

  private constructor(
    private readonly o: ArpWatchOptions,
    private readonly arpIntervalMs: number,
    private readonly addrPollMs: number,
  ) {}

  static async start(o: ArpWatchOptions): Promise<ArpWatch> {
    const arpIntervalMs = o.arpIntervalMs ?? 150;
    const polled = o.nodes.filter((n) => n.netns).length;
    // Each poll is one `ip` per node: keep the poll cost near 4 processes per 100 ms.
    const addrPollMs = o.addrPollMs ?? Math.max(250, 25 * polled);
    const w = new ArpWatch(o, arpIntervalMs, addrPollMs);
    await w.startCapture();
    const count = Math.ceil((o.maxSeconds * 1000) / arpIntervalMs);
    for (const vip of o.vips.slice(0, MAX_WATCHED_VIPS)) {
      w.spawn('arping', ['-q', '-c', String(count), '-W', String(arpIntervalMs / 1000), '-i', o.iface, vip]);
    }
    w.#poller = w.pollAddresses();
    return w;
  }

  /** Runs `cmd` in the client namespace under `timeout`, so it ends even if the harness does not. */
  private spawn(cmd: string, args: string[]): ChildProcess {
    const seconds = String(Math.ceil(this.o.maxSeconds) + 5);
    const child = spawn('ip', ['netns', 'exec', this.o.netns, 'timeout', seconds, cmd, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.on('error', () => {});
    this.#children.push(child);
    return child;
  }

  private async startCapture(): Promise<void> {
    const td = this.spawn('tcpdump', ['-tt', '-n', '-e', '-l', '-i', this.o.iface, 'arp']);
    createInterface({ input: td.stdout! }).on('line', (line) => {
      const p = parseArpLine(line);
      if (p) this.#packets.push(p);
    });
    // tcpdump says "listening on" once its socket is open: packets before that would be lost.
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(
        () => reject(new MeasureError(`tcpdump did not start in 5 s: ${err.trim()}`)),
        5000,
      );
      td.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      td.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new MeasureError(
            `tcpdump exited (${code}) in ${this.o.netns}: ${err.trim()} (is tcpdump installed?)`,
          ),
        );
      });
    });
  }

  private async pollAddresses(): Promise<void> {
    const nodes = this.o.nodes.filter((n): n is WatchedNode & { netns: string } => n.netns !== undefined);
    const until = Date.now() + this.o.maxSeconds * 1000;
    while (this.#polling && nodes.length > 0 && Date.now() < until) {
      const tMs = Date.now();
      const byNode: Record<string, string[]> = {};
      await Promise.all(
        nodes.map(async (n) => {
          const r = await runCommand('ip', ['-n', n.netns, '-o', '-4', 'addr', 'show', 'dev', n.ifname], {
            allowFailure: true,
            timeoutMs: 2000,
          });
          byNode[n.name] = [...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g)].map((m) => m[1] ?? '');
        }),
      );
      this.#polls.push({ tMs, byNode });
      await new Promise((r) => setTimeout(r, Math.max(0, tMs + this.addrPollMs - Date.now())));
    }
  }

  /** Stops every process of the watch and returns what it saw. */
  async stop(): Promise<WireObservations> {
    this.#polling = false;
    await this.#poller;
    await Promise.all(
      this.#children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            // `ip netns exec` execs timeout, which passes SIGTERM on to its command.
            c.kill('SIGTERM');
          }),
      ),
    );
    return {
      clientIp: this.o.clientIp,
      arpIntervalMs: this.arpIntervalMs,
      packets: [...this.#packets],
      addrPollMs: this.#polls.length > 0 ? this.addrPollMs : null,
      addrPolls: [...this.#polls],
      macToNode: Object.fromEntries(this.o.nodes.map((n) => [n.mac.toLowerCase(), n.name])),
    };
  }
}
