/**
 * A small seeded bootstrap for comparing two runs. Kept here rather than importing
 * harness/run/statistics.ts so reports/ depends on the results format only.
 */

/** A deterministic uniform [0, 1) generator (mulberry32): the same seed gives the same intervals. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile (0..1) with linear interpolation between order statistics (R type 7, numpy default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** A statistic's difference between two samples, `stat(b) − stat(a)`, with a percentile bootstrap interval. */
export interface DifferenceInterval {
  estimate: number;
  lo: number;
  hi: number;
  confidence: number;
}

export interface BootstrapOptions {
  /** The statistic compared (default: median). */
  statistic?: (values: readonly number[]) => number;
  resamples?: number;
  seed?: number;
  /** Default 0.95. */
  confidence?: number;
}

/**
 * Bootstraps `stat(b) − stat(a)` by resampling `a` and `b` independently with replacement.
 * Returns undefined when either side is empty. With very few values (n < 5) the percentile interval
 * is narrower than the truth; callers decide how much n they require before calling a change real.
 */
export function bootstrapDifference(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): DifferenceInterval | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const stat = options.statistic ?? median;
  const resamples = options.resamples ?? 4000;
  const confidence = options.confidence ?? 0.95;
  const rand = seededRandom(options.seed ?? 1);
  const draw = (xs: readonly number[]): number[] => xs.map(() => xs[Math.floor(rand() * xs.length)]!);
  const diffs: number[] = [];
  for (let i = 0; i < resamples; i++) diffs.push(stat(draw(b)) - stat(draw(a)));
  const tail = (1 - confidence) / 2;
  return { estimate: stat(b) - stat(a), lo: quantile(diffs, tail), hi: quantile(diffs, 1 - tail), confidence };
}
