import { ownCpuSeconds, readProcCpu } from './proc-cpu.js';

/** Cumulative CPU seconds and resident memory of one source at one moment. */
export interface CpuCounter {
  cpuSeconds: number;
  rssBytes: number;
}

/**
 * A CPU source the sampler watches, by role (and node, for agents): a process on this host (`pid`,
 * read from /proc) or any other cumulative counter (`read`: a container's cgroup, a kubelet's
 * stats), which must be synchronous and cheap; it returns null when the source is gone.
 */
export type SampledProcess = {
  role:
    | 'kube-apiserver'
    | 'etcd'
    | 'kube-controller-manager'
    | 'kube-scheduler'
    | 'control-plane'
    | 'announcer'
    | 'echo'
    | 'k6';
  node?: string;
} & ({ pid: number; read?: never } | { pid?: never; read: () => CpuCounter | null });

/** One reading of one process. `cpuSeconds` is cumulative since the process started. */
export interface CpuReading {
  tMs: number;
  role: SampledProcess['role'] | 'harness';
  node?: string;
  cpuSeconds: number;
  rssBytes: number;
}

/**
 * Reads /proc for every watched process at a fixed rate (1 Hz by default) and hands each reading
 * to `sink` (the runner appends them to samples.jsonl as they come). The harness's own CPU is
 * sampled too, so its overhead is visible next to what it measures.
 */
export class CpuSampler implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private processes: SampledProcess[] = [];

  constructor(
    private readonly sink: (r: CpuReading) => void,
    private readonly periodMs = 1000,
  ) {}

  /** Replaces the set of watched processes (agents come and go between phases). */
  watch(processes: SampledProcess[]): void {
    this.processes = [...processes];
  }

  start(): void {
    if (this.timer) return;
    this.sampleNow();
    this.timer = setInterval(() => this.sampleNow(), this.periodMs);
  }

  /** Takes one reading of everything now (also used at window edges for exact deltas). */
  sampleNow(): CpuReading[] {
    const tMs = Date.now();
    const out: CpuReading[] = [];
    for (const p of this.processes) {
      const r = p.read ? p.read() : readProcCpu(p.pid);
      if (!r) continue;
      out.push({ tMs, role: p.role, ...(p.node ? { node: p.node } : {}), ...r });
    }
    const self = readProcCpu(process.pid);
    out.push({ tMs, role: 'harness', cpuSeconds: ownCpuSeconds(), rssBytes: self?.rssBytes ?? 0 });
    for (const r of out) this.sink(r);
    return out;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}

/** CPU used between two snapshots, in millicores, per role (summed over processes of that role). */
export function millicoresBetween(
  before: readonly CpuReading[],
  after: readonly CpuReading[],
): Record<string, number> {
  const key = (r: CpuReading) => `${r.role}|${r.node ?? ''}`;
  const start = new Map(before.map((r) => [key(r), r]));
  const out: Record<string, number> = {};
  for (const a of after) {
    const b = start.get(key(a));
    if (!b) continue;
    const seconds = (a.tMs - b.tMs) / 1000;
    if (seconds <= 0) continue;
    out[a.role] = (out[a.role] ?? 0) + ((a.cpuSeconds - b.cpuSeconds) / seconds) * 1000;
  }
  return out;
}
