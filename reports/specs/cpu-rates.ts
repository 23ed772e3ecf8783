import type { CpuSampleLine } from '../load-results.js';

/** CPU use of one process over one sampling interval. */
export interface CpuRate {
  variantId: string;
  role: string;
  node: string | null;
  /** End of the interval, epoch ms. */
  tMs: number;
  millicores: number;
}

/**
 * Turns cumulative CPU-seconds samples into rates: for consecutive samples of the same process
 * (variant, role, node), Δcpu / Δt in millicores, stamped at the later sample. A drop in the counter
 * (the process restarted) or a non-increasing timestamp yields no rate for that interval.
 */
export function cpuRates(samples: readonly CpuSampleLine[], roles?: ReadonlySet<string>): CpuRate[] {
  const wanted = roles ? samples.filter((s) => roles.has(s.role)) : samples;
  const series = groupBy(wanted, processKey);
  const out: CpuRate[] = [];
  for (const list of series.values()) {
    list.sort((a, b) => a.tMs - b.tMs);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      const dt = cur.tMs - prev.tMs;
      const dcpu = cur.cpuSeconds - prev.cpuSeconds;
      if (dt <= 0 || dcpu < 0) continue;
      out.push({
        variantId: cur.variantId,
        role: cur.role,
        node: cur.node ?? null,
        tMs: cur.tMs,
        millicores: (dcpu / (dt / 1000)) * 1000,
      });
    }
  }
  return out.sort((a, b) => a.tMs - b.tMs || a.role.localeCompare(b.role));
}

/**
 * Averages rates into at most `maxPoints` equal time buckets per (variant, role, node), so an
 * hours-long run draws as a readable line instead of tens of thousands of points. Returns the
 * input unchanged when it is already small enough.
 */
export function downsampleRates(rates: readonly CpuRate[], maxPoints: number): CpuRate[] {
  const groups = groupBy(rates, processKey);
  if ([...groups.values()].every((g) => g.length <= maxPoints)) return [...rates];
  const first = Math.min(...rates.map((r) => r.tMs));
  const last = Math.max(...rates.map((r) => r.tMs));
  const bucketMs = Math.max(1, (last - first) / maxPoints);
  const out: CpuRate[] = [];
  for (const list of groups.values()) {
    const buckets = groupBy(list, (r) => Math.floor((r.tMs - first) / bucketMs));
    for (const bl of buckets.values()) {
      const head = bl[0]!;
      out.push({
        ...head,
        tMs: bl.reduce((s, r) => s + r.tMs, 0) / bl.length,
        millicores: bl.reduce((s, r) => s + r.millicores, 0) / bl.length,
      });
    }
  }
  return out.sort((a, b) => a.tMs - b.tMs || a.role.localeCompare(b.role));
}

function processKey(x: { variantId: string; role: string; node?: string | null }): string {
  return `${x.variantId}\u0000${x.role}\u0000${x.node ?? ''}`;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
