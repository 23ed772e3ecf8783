import { median, mulberry32, quantile } from '../harness/results/statistics.js';

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
 * Bootstraps `stat(b) − stat(a)` by resampling `a` and `b` independently with replacement
 * (seeded mulberry32 from harness/results/statistics.ts, so the same inputs give the same interval).
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
  const rand = mulberry32(options.seed ?? 1);
  const draw = (xs: readonly number[]): number[] => xs.map(() => xs[Math.floor(rand() * xs.length)]!);
  const diffs: number[] = [];
  for (let i = 0; i < resamples; i++) diffs.push(stat(draw(b)) - stat(draw(a)));
  const tail = (1 - confidence) / 2;
  return {
    estimate: stat(b) - stat(a),
    lo: quantile(diffs, tail),
    hi: quantile(diffs, 1 - tail),
    confidence,
  };
}
