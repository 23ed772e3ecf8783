import { type IpRange, parseIp } from '../ipam/ip-address.js';
import type { JsonLogger } from '../json-logger.js';
import { ensureArpIsolation, type SysctlAccess } from './arp-isolation.js';
import { CommandNotFoundError, type CommandRunner } from './command-runner.js';
import { type ArpingFlavour, detectArpingFlavour, garpArgs, garpSucceeded } from './garp-command.js';
import { type HostAddress, type HostAddressSnapshot, parseIpAddrJson } from './host-addresses.js';

/** A VIP this node should carry, with the lease it holds for it (for the log). */
export interface DesiredVip {
  iface: string;
  lease: string;
  leaseNamespace: string;
  service: string;
}

/** Counters the dataplane bumps (the agent wires them to Prometheus). */
export interface DataplaneCounters {
  bind(): void;
  unbind(): void;
  garp(): void;
}

/** Dependencies of {@link VipDataplane}. */
export interface VipDataplaneOptions {
  run: CommandRunner;
  log: JsonLogger;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  sysctl: SysctlAccess;
  counters?: DataplaneCounters;
  /** Gratuitous ARPs per bind, first one immediately. */
  garpRepeats?: number;
  garpIntervalMs?: number;
}

const hostPrefix = { 4: 32, 6: 128 } as const;

/**
 * Route metric the agent puts on every VIP it binds (`ip addr add … metric 4242`), so a restarted
 * agent knows its predecessor's VIPs from the interface alone, before it has read a pool from the
 * API server (or when it cannot). `ip -j addr` reports it for IPv4 and IPv6 alike (an address
 * label would be IPv4-only; iproute2 6.1 cannot set the address `proto`). On a host-prefix address
 * it changes no routing: /32 addresses get no prefix route, and a /128's route to itself is local.
 */
export const VIP_ADDRESS_METRIC = 4242;
const alreadyThere = /File exists|Address already assigned/i;
const notThere = /Cannot assign requested address|Address not found/i;

/**
 * Puts VIPs on interfaces and takes them off, idempotently: `reconcile()` compares what should
 * be bound (`setDesired`) with what `ip -j addr show` reports and fixes the difference. Any
 * host-prefix (/32, /128) address that is not desired and carries {@link VIP_ADDRESS_METRIC} or
 * lies inside a pool's blocks is stale (a previous run crashed while leading, or the lease was
 * lost) and is removed; other addresses are touched only if this process bound them. Calls are
 * serialised.
 */
export class VipDataplane {
  private desired = new Map<string, DesiredVip>();
  private managed: readonly IpRange[] = [];
  /** `vip@iface` this process bound. */
  private readonly bound = new Set<string>();
  private readonly garps = new Map<string, AbortController>();
  private readonly isolated = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private flavour: ArpingFlavour | null | undefined;
  private lastSnapshot: HostAddressSnapshot = { interfaces: [], addresses: [] };

  constructor(private readonly opts: VipDataplaneOptions) {}

  /** Replaces the set of VIPs to carry, keyed by address. Takes effect at the next `reconcile()`. */
  setDesired(desired: ReadonlyMap<string, DesiredVip>): void {
    this.desired = new Map(desired);
  }

  /** The pools' blocks: host-prefix addresses in them that are not desired get removed. */
  setManagedRanges(ranges: readonly IpRange[]): void {
    this.managed = [...ranges];
  }

  /** Interface names from the last snapshot (refreshed by every `reconcile()`/`refresh()`). */
  interfaces(): string[] {
    return [...this.lastSnapshot.interfaces];
  }

  /** Reads the interfaces and addresses without changing anything. */
  refresh(): Promise<HostAddressSnapshot> {
    return this.serialised(() => this.snapshot());
  }

  /** Makes the host match the desired set. Safe to call any time, any number of times. */
  reconcile(): Promise<void> {
    return this.serialised(() => this.reconcileNow());
  }

  /** Unbinds everything this process carries (shutdown); stale sweeping still applies. */
  unbindAll(): Promise<void> {
    this.desired = new Map();
    for (const c of this.garps.values()) c.abort();
    return this.reconcile();
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async snapshot(): Promise<HostAddressSnapshot> {
    const r = await this.opts.run('ip', ['-j', 'addr', 'show']);
    if (r.code !== 0) throw new Error(`ip -j addr show failed (exit ${r.code}): ${r.stderr.trim()}`);
    this.lastSnapshot = parseIpAddrJson(r.stdout);
    return this.lastSnapshot;
  }

  private isManaged(a: HostAddress): boolean {
    if (a.metric === VIP_ADDRESS_METRIC) return true;
    const ip = parseIp(a.ip);
    return (
      ip !== null &&
      this.managed.some((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last)
    );
  }

  private async reconcileNow(): Promise<void> {
    const errors: string[] = [];
    // A VIP this process bound and no longer wants (a lost lease) goes before the host is read:
    // stepping down costs one `ip addr del`, not a listing and then a delete.
    for (const key of [...this.bound]) {
      const [ip = '', iface = ''] = key.split('@');
      if (this.desired.get(ip)?.iface === iface) continue;
      const family = parseIp(ip)?.family ?? 4;
      try {
        await this.unbind({ ip, iface, family, prefixLength: hostPrefix[family] }, 'released');
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    const snap = await this.snapshot();
    // Forget bindings someone else removed behind our back (before binding: snap predates it).
    for (const key of this.bound) {
      const [ip, iface] = key.split('@');
      if (!snap.addresses.some((a) => a.ip === ip && a.iface === iface)) this.bound.delete(key);
    }
    for (const [vip, want] of this.desired) {
      const present = snap.addresses.some((a) => a.ip === vip && a.iface === want.iface);
      if (present && this.bound.has(`${vip}@${want.iface}`)) continue;
      try {
        await this.bind(vip, want, snap, present);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    for (const a of snap.addresses) {
      if (a.prefixLength !== hostPrefix[a.family]) continue;
      if (this.desired.get(a.ip)?.iface === a.iface) continue;
      const ours = this.bound.has(`${a.ip}@${a.iface}`);
      if (!ours && !this.isManaged(a)) continue;
      try {
        await this.unbind(a, ours ? 'released' : 'stale');
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (errors.length > 0) throw new Error(`dataplane: ${errors.join('; ')}`);
  }

  private async bind(
    vip: string,
    want: DesiredVip,
    snap: HostAddressSnapshot,
    present: boolean,
  ): Promise<void> {
    const { log, run } = this.opts;
    const family = parseIp(vip)?.family ?? 4;
    for (const iface of snap.interfaces) {
      if (iface === 'lo' || this.isolated.has(iface)) continue;
      this.isolated.add(iface);
      try {
        const changed = await ensureArpIsolation(this.opts.sysctl, iface);
        for (const key of changed)
          log.log('warn', { iface, msg: `set ${key}=1 so only the VIP's interface answers ARP for it` });
      } catch (err) {
        log.log('warn', {
          iface,
          msg: `cannot check arp_ignore: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
    }
    if (!present) {
      const args = [
        'addr',
        'add',
        `${vip}/${hostPrefix[family]}`,
        'dev',
        want.iface,
        'metric',
        String(VIP_ADDRESS_METRIC),
      ];
      // Without nodad an IPv6 VIP sits "tentative" for a second before it can be used.
      if (family === 6) args.push('nodad');
      const r = await run('ip', args);
      if (r.code !== 0 && !alreadyThere.test(r.stderr)) {
        throw new Error(`ip ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
      }
    }
    this.bound.add(`${vip}@${want.iface}`);
    this.opts.counters?.bind();
    log.log('bind', {
      lease: want.lease,
      leaseNamespace: want.leaseNamespace,
      service: want.service,
      vip,
      iface: want.iface,
      ...(present ? { adopted: true } : {}),
    });
    if (family === 4) this.startGarp(vip, want);
  }

  private async unbind(a: HostAddress, reason: 'released' | 'stale'): Promise<void> {
    this.garps.get(a.ip)?.abort();
    const args = ['addr', 'del', `${a.ip}/${a.prefixLength}`, 'dev', a.iface];
    const r = await this.opts.run('ip', args);
    const gone = r.code !== 0 && notThere.test(r.stderr);
    if (r.code !== 0 && !gone) {
      throw new Error(`ip ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
    }
    this.bound.delete(`${a.ip}@${a.iface}`);
    if (gone) return; // someone else removed it: nothing was unbound here
    this.opts.counters?.unbind();
    this.opts.log.log('unbind', { vip: a.ip, iface: a.iface, reason });
  }

  /** Sends the gratuitous ARPs in the background; a later unbind of the VIP cancels the rest. */
  private startGarp(vip: string, want: DesiredVip): void {
    this.garps.get(vip)?.abort();
    const controller = new AbortController();
    this.garps.set(vip, controller);
    void this.garpLoop(vip, want, controller.signal)
      .catch((err: unknown) => {
        if (!controller.signal.aborted)
          this.opts.log.error(err, { vip, iface: want.iface, msg: 'gratuitous ARP' });
      })
      .finally(() => {
        if (this.garps.get(vip) === controller) this.garps.delete(vip);
      });
  }

  private async garpLoop(vip: string, want: DesiredVip, signal: AbortSignal): Promise<void> {
    const { log, run, sleep } = this.opts;
    const repeats = this.opts.garpRepeats ?? 3;
    const intervalMs = this.opts.garpIntervalMs ?? 200;
    const flavour = await this.arpingFlavour();
    if (flavour === null) return;
    for (let seq = 1; seq <= repeats && !signal.aborted; seq++) {
      const r = await run('arping', garpArgs(flavour, vip, want.iface));
      if (!garpSucceeded(flavour, r.code, r.stderr)) {
        throw new Error(
          `arping ${garpArgs(flavour, vip, want.iface).join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`,
        );
      }
      this.opts.counters?.garp();
      log.log('garp', {
        lease: want.lease,
        leaseNamespace: want.leaseNamespace,
        service: want.service,
        vip,
        iface: want.iface,
        seq,
      });
      if (seq < repeats) await sleep(intervalMs, signal).catch(() => undefined);
    }
  }

  /** Detected once; a missing arping is logged once and the VIP stays bound without GARP. */
  private async arpingFlavour(): Promise<ArpingFlavour | null> {
    if (this.flavour !== undefined) return this.flavour;
    try {
      const r = await this.opts.run('arping', ['--help']);
      this.flavour = detectArpingFlavour(r.stdout + r.stderr) ?? 'habets';
    } catch (err) {
      if (!(err instanceof CommandNotFoundError)) throw err;
      this.flavour = null;
      this.opts.log.log('error', {
        msg: "arping not found: install Debian's 'arping' package (Thomas Habets' arping 2.x); VIPs are bound but no gratuitous ARP is sent, so peers keep stale ARP entries until they expire",
      });
    }
    return this.flavour;
  }
}
