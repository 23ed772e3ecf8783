import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { MeasureError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { ipv4Range, ipv4ToNumber } from '../util/ipv4-range.js';

/** One HTTP probe of a VIP, as k6 recorded it. */
export interface ProbeResult {
  /**
   * When the request was sent (epoch ms, the script's `Date.now()` just before `http.get`). Not
   * k6's sample time, which is stamped after the response or the timeout and so would place a
   * timed-out probe `timeoutMs` late.
   */
  tMs: number;
  vip: string;
  /** HTTP 200 (a connect error, a timeout or any other status is not ok). */
  ok: boolean;
  /** The node that answered (first line of the body); null when the probe failed or the body had none. */
  node: string | null;
}

/** Inputs of {@link startProbes}. */
export interface StartProbesOptions {
  /** The k6 binary (`resolveTool('k6')`). */
  k6Path: string;
  /** Network namespace to probe from (the run's client namespace), or null for the host namespace (loopback only). */
  netns: string | null;
  /**
   * With `netns: null`: the host itself sits on a project Docker bridge (kind's network in
   * 198.19.0.0/16), so VIPs in 198.18.0.0/15 are probed from the host instead of loopback only.
   */
  hostOnProjectBridge?: boolean;
  vips: readonly string[];
  port: number;
  /** New requests per second per VIP (may be fractional), at most 200. */
  ratePerSecond: number;
  /** At most 600. */
  durationSeconds: number;
  timeoutMs: number;
  /** k6's JSON output (`--out json=`); read it with {@link readProbeResults}. */
  outFile: string;
}

/** How the k6 process ended. */
export interface ProbeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running k6 probe process. Disposing it stops it. */
export interface RunningProbes extends AsyncDisposable {
  readonly pid: number;
  readonly outFile: string;
  /**
   * Settles when k6 exits: resolves on exit 0 or after {@link RunningProbes.stop}; rejects with a
   * MeasureError carrying k6's last log lines otherwise (bad script input, k6 crash).
   */
  readonly done: Promise<ProbeExit>;
  /** SIGTERM (k6 then flushes its output and exits 105), SIGKILL after `graceMs`; resolves once exited. */
  stop(graceMs?: number): Promise<ProbeExit>;
}

/** k6's exit code after an external SIGINT/SIGTERM (its output is complete). */
const K6_EXIT_INTERRUPTED = 105;
// The script turns a fractional rate into a per-1000 s rate, so 0.001/s is the finest it can do.
const MIN_RATE_PER_SECOND = 0.001;
const MAX_RATE_PER_SECOND = 200;
const MAX_DURATION_SECONDS = 600;
const MAX_TIMEOUT_MS = 10_000;
// Every VU is a JS runtime of its own (MBs each); past this the probe would measure k6, not failover.
const MAX_TOTAL_VUS = 2000;
const PROBE_SCRIPT = join(repoRoot, 'scenarios', 'k6', 'probe.ts');
// Traffic may only go to the project's range from a project namespace, or to loopback from the host.
const PROJECT_RANGE = ipv4Range({ cidr: '198.18.0.0/15' })!;
const LOOPBACK_RANGE = ipv4Range({ cidr: '127.0.0.0/8' })!;

/**
 * VUs per VIP for a constant arrival rate: every request may hold its VU for the whole timeout
 * (+100 ms of k6's own per-iteration work), so the rate never waits for a free VU; `maxVus` adds
 * one second of arrivals of headroom.
 */
export function probeVus(ratePerSecond: number, timeoutMs: number): { vus: number; maxVus: number } {
  const vus = Math.ceil((ratePerSecond * (timeoutMs + 100)) / 1000) + 1;
  return { vus, maxVus: vus + Math.ceil(ratePerSecond) };
}

/** Throws a one-line MeasureError when the probe would be unbounded or leave the allowed networks. */
export function validateProbeOptions(o: StartProbesOptions): void {
  const fail = (msg: string): never => {
    throw new MeasureError(`k6 probe: ${msg}`);
  };
  if (!(o.ratePerSecond >= MIN_RATE_PER_SECOND && o.ratePerSecond <= MAX_RATE_PER_SECOND))
    fail(`ratePerSecond ${o.ratePerSecond} must be in [${MIN_RATE_PER_SECOND}, ${MAX_RATE_PER_SECOND}]`);
  if (!(o.durationSeconds >= 1 && o.durationSeconds <= MAX_DURATION_SECONDS))
    fail(`durationSeconds ${o.durationSeconds} must be in [1, ${MAX_DURATION_SECONDS}]`);
  if (!(Number.isInteger(o.timeoutMs) && o.timeoutMs >= 1 && o.timeoutMs <= MAX_TIMEOUT_MS))
    fail(`timeoutMs ${o.timeoutMs} must be an integer in [1, ${MAX_TIMEOUT_MS}]`);
  if (!(Number.isInteger(o.port) && o.port >= 1 && o.port <= 65535)) fail(`port ${o.port} is not a TCP port`);
  if (o.vips.length === 0) fail('no VIPs to probe');
  if (o.netns !== null && !/^l2b[\w-]+$/.test(o.netns))
    fail(`netns ${o.netns} is not an l2bench namespace (l2b…)`);
  const loopbackOnly = o.netns === null && !o.hostOnProjectBridge;
  const range = loopbackOnly ? LOOPBACK_RANGE : PROJECT_RANGE;
  const rangeText = loopbackOnly ? '127.0.0.0/8 (no netns)' : '198.18.0.0/15';
  for (const vip of o.vips) {
    const n = ipv4ToNumber(vip);
    if (n === undefined || n < range.first || n > range.last) fail(`VIP ${vip} is not in ${rangeText}`);
  }
  const totalVus = probeVus(o.ratePerSecond, o.timeoutMs).maxVus * o.vips.length;
  if (totalVus > MAX_TOTAL_VUS)
    fail(
      `${o.vips.length} VIPs at ${o.ratePerSecond}/s with a ${o.timeoutMs} ms timeout need ${totalVus} VUs, ` +
        `at most ${MAX_TOTAL_VUS}: probe fewer VIPs or lower the rate or timeout`,
    );
}

/** The command line {@link startProbes} runs: `[command, ...args]`. */
export function k6ProbeCommand(o: StartProbesOptions): string[] {
  const { vus, maxVus } = probeVus(o.ratePerSecond, o.timeoutMs);
  const k6 = [
    o.k6Path,
    'run',
    '--quiet', // no progress bar
    '--summary-mode=disabled', // v1 spelling of --no-summary
    '--no-usage-report',
    '--no-thresholds',
    '--no-color',
    '--address=', // no REST API: two probes in one namespace would fight over localhost:6565
    '--include-system-env-vars=false', // the script sees only the -e values below
    `--out=json=${resolve(o.outFile)}`,
    ...['-e', `VIPS=${o.vips.join(',')}`, '-e', `PORT=${o.port}`, '-e', `RATE=${o.ratePerSecond}`],
    ...['-e', `DURATION_S=${o.durationSeconds}`, '-e', `TIMEOUT_MS=${o.timeoutMs}`],
    ...['-e', `VUS=${vus}`, '-e', `MAX_VUS=${maxVus}`],
    PROBE_SCRIPT,
  ];
  return o.netns === null ? k6 : ['ip', 'netns', 'exec', o.netns, ...k6];
}

/**
 * Starts k6 probing `vips` (see scenarios/k6/probe.ts), in `netns` via `ip netns exec` (which
 * execs, so the PID is k6's), in its own process group. The child gets a minimal environment
 * (PATH, HOME and the run marker `L2BENCH_RUN`) so no stray `K6_*` variable changes its options.
 * Resolves once the process has spawned; probes begin after k6's init (a few hundred ms).
 */
export async function startProbes(o: StartProbesOptions): Promise<RunningProbes> {
  validateProbeOptions(o);
  const [command, ...args] = k6ProbeCommand(o);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  if (process.env.L2BENCH_RUN !== undefined) env.L2BENCH_RUN = process.env.L2BENCH_RUN;
  const child = spawn(command!, args, { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    child.once('spawn', ok);
    child.once('error', (err) =>
      fail(new MeasureError(`cannot start k6 (${command}): ${err.message}`, { cause: err })),
    );
  });
  const pid = child.pid!;

  // k6 logs a warning per failed request; keep the last other lines for the error message.
  const tail: string[] = [];
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '' || line.includes('msg="Request Failed"')) continue;
      tail.push(line);
      if (tail.length > 5) tail.shift();
    }
  });

  let stopping = false;
  const exited = new Promise<ProbeExit>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const done = exited.then((exit) => {
    if (exit.code === 0 || (stopping && (exit.code === K6_EXIT_INTERRUPTED || exit.signal !== null)))
      return exit;
    const how = exit.code === null ? `signal ${exit.signal}` : `code ${exit.code}`;
    const last = [...tail, partial].filter((l) => l.trim() !== '').join(' | ');
    throw new MeasureError(`k6 probe (pid ${pid}) exited with ${how}: ${last || 'no output'}`);
  });
  // Marked handled so an unawaited `done` cannot crash the harness; awaiting it still rejects.
  done.catch(() => undefined);

  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is gone already
    }
  };
  const stop = async (graceMs = 5000): Promise<ProbeExit> => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  return {
    pid,
    outFile: resolve(o.outFile),
    done,
    stop,
    [Symbol.asyncDispose]: async () => void (await stop()),
  };
}

interface K6Line {
  type?: unknown;
  metric?: unknown;
  data?: { time?: unknown; value?: unknown; tags?: Record<string, unknown> | null };
}

/** The probe in one line of k6's JSON output; undefined for any other line (other metrics, declarations). */
export function parseProbeLine(line: string): ProbeResult | undefined {
  // Cheap pre-filter: k6 writes ~14 lines per request and only one is ours.
  if (!line.includes('"probe"')) return undefined;
  const parsed = JSON.parse(line) as K6Line;
  if (parsed.type !== 'Point' || parsed.metric !== 'probe' || !parsed.data) return undefined;
  const { time, value, tags } = parsed.data;
  // The value is the send time; k6's `time` (response/timeout) is only a fallback for odd scripts.
  const tMs = typeof value === 'number' && value > 1e12 ? value : Date.parse(String(time));
  const vip = tags?.vip;
  if (!Number.isFinite(tMs) || typeof vip !== 'string') throw new Error('probe point without time or vip');
  const node = typeof tags?.node === 'string' && tags.node !== '' ? tags.node : null;
  return { tMs, vip, ok: tags?.ok === '1', node };
}

/** Every probe in k6 JSON text, sorted by send time. Unterminated last lines (k6 still writing) are skipped. */
export function parseProbeJson(text: string, source = 'k6 output'): ProbeResult[] {
  const out: ProbeResult[] = [];
  const lines = text.split('\n');
  lines.pop(); // '' after the final newline, or a line k6 has not finished
  lines.forEach((line, i) => {
    pushProbe(out, line, source, i + 1);
  });
  return out.sort((a, b) => a.tMs - b.tMs);
}

function pushProbe(out: ProbeResult[], line: string, source: string, lineNo: number): void {
  try {
    const probe = parseProbeLine(line);
    if (probe) out.push(probe);
  } catch (err) {
    throw new MeasureError(`${source}:${lineNo}: not a k6 probe point (${(err as Error).message})`, {
      cause: err,
    });
  }
}

/**
 * Every probe in k6's JSON output file, sorted by send time (`tMs`). Reads in chunks: at 200
 * probes/s for 600 s the file holds ~1.7 M lines (~240 MB) per VIP. Safe on a file k6 is still
 * writing (an unfinished last line is skipped). Throws MeasureError for a missing file or a bad line.
 * `chunkBytes` is the read size (tests make it small to split lines across reads).
 */
export function readProbeResults(outFile: string, chunkBytes = 1 << 20): ProbeResult[] {
  let fd: number;
  try {
    fd = openSync(outFile, 'r');
  } catch (err) {
    throw new MeasureError(`k6 probe output ${outFile} cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const out: ProbeResult[] = [];
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.alloc(chunkBytes);
  let rest = '';
  let lineNo = 0;
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const lines = (rest + decoder.write(buf.subarray(0, n))).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) pushProbe(out, line, outFile, ++lineNo);
    }
  } finally {
    closeSync(fd);
  }
  return out.sort((a, b) => a.tMs - b.tMs);
}
