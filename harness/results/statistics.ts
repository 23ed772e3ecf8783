import type { Interval, VariantSummary } from './results-schema.js';

/** The `Percentiles` shape of results-schema.ts (failover times of one fault kind). */
export type Percentiles = VariantSummary['failover'][number]['outageMs'];

/** Seed of every bootstrap unless told otherwise, so a summary recomputed from samples is identical. */
export const DEFAULT_BOOTSTRAP_SEED = 0x12b;

/** Resamples per bootstrap interval: enough for stable 2.5/97.5% ends at the n ≤ 50 we have. */
export const BOOTSTRAP_RESAMPLES = 2000;

/**
 * mulberry32: a tiny seeded PRNG (32-bit state) returning floats in [0, 1). Statistically fine for
 * resampling, and deterministic, which Math.random is not.
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function quantileOfSorted(ascending: readonly number[], q: number): number {
  if (ascending.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q (${q}) must be within 0..1`);
  const h = (ascending.length - 1) * q;
  const below = Math.floor(h);
  const lo = ascending[below]!;
  const hi = ascending[Math.min(below + 1, ascending.length - 1)]!;
  return lo + (h - below) * (hi - lo);
}

/**
 * The q-quantile by linear interpolation between order statistics: Hyndman & Fan type 7, the
 * default of R's `quantile` and numpy's `percentile` (x[h] with h = (n − 1)·q, 0-based), so
 * figures can be checked with either. Throws RangeError for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  return quantileOfSorted(sorted(values), q);
}

/** The median (type-7 0.5 quantile: the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * The median with a 95% percentile-bootstrap interval: `resamples` resamples with replacement,
 * the 2.5% and 97.5% quantiles of their medians. Deterministic (mulberry32, fixed seed). With one
 * value lo = hi = median; with none, all three are 0 and n = 0 (the schema has no NaN; n says it).
 */
export function bootstrapMedian(
  values: readonly number[],
  options: { resamples?: number; seed?: number; level?: number } = {},
): Interval {
  const n = values.length;
  if (n === 0) return { median: 0, lo: 0, hi: 0, n: 0 };
  const mid = median(values);
  if (n === 1) return { median: mid, lo: mid, hi: mid, n };
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const medians = new Array<number>(resamples);
  const draw = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = values[Math.floor(random() * n)]!;
    medians[r] = median(draw);
  }
  const tail = (1 - (options.level ?? 0.95)) / 2;
  const ascending = sorted(medians);
  return { median: mid, lo: quantileOfSorted(ascending, tail), hi: quantileOfSorted(ascending, 1 - tail), n };
}

/** after[i] − before[i] for paired measurements (same repetition); throws when lengths differ. */
export function pairedDifferences(after: readonly number[], before: readonly number[]): number[] {
  if (after.length !== before.length) {
    throw new RangeError(`paired differences need equal counts, got ${after.length} and ${before.length}`);
  }
  return after.map((value, i) => value - before[i]!);
}

/** p50/p95 (type 7), min and max of the values, in their order as given; nulls when there are none. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { n: 0, p50: null, p95: null, min: null, max: null, values: [] };
  const ascending = sorted(values);
  return {
    n: values.length,
    p50: quantileOfSorted(ascending, 0.5),
    p95: quantileOfSorted(ascending, 0.95),
    min: ascending[0]!,
    max: ascending.at(-1)!,
    values: [...values],
  };
}
