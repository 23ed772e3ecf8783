/** Cumulative bucket counts of one histogram, by upper bound (`le`), +Inf last. */
export type Buckets = Map<number, number>;

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * Buckets of histogram `name` from Prometheus text, summed over the series whose labels match
 * `where`, grouped by the values of `keys` (joined by `|`).
 */
export function histogramBuckets(
  text: string,
  name: string,
  keys: readonly string[],
  where: Record<string, string> = {},
): Map<string, Buckets> {
  const out = new Map<string, Buckets>();
  const prefix = `${name}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    const labels: Record<string, string> = {};
    for (const m of line.slice(prefix.length, close).matchAll(LABEL)) labels[m[1]!] = m[2]!;
    if (!Object.entries(where).every(([k, v]) => labels[k] === v)) continue;
    const value = Number(
      line
        .slice(close + 1)
        .trim()
        .split(/\s+/)[0],
    );
    const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
    if (!Number.isFinite(value) || Number.isNaN(le)) continue;
    const key = keys.map((k) => labels[k] ?? '').join('|');
    const buckets = out.get(key) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + value);
    out.set(key, buckets);
  }
  return out;
}

/** `after − before`, bucket by bucket (counters since process start, so the window's own counts). */
export function bucketsDelta(before: Buckets | undefined, after: Buckets): Buckets {
  const out: Buckets = new Map();
  for (const [le, n] of after) out.set(le, n - (before?.get(le) ?? 0));
  return out;
}

/**
 * The q-quantile of a histogram as Prometheus' histogram_quantile computes it: linear within the
 * bucket the rank falls in (from 0 for the first bucket); the highest finite bound when the rank
 * falls in +Inf. Null when the histogram counted nothing.
 */
export function histogramQuantile(buckets: Buckets, q: number): number | null {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
