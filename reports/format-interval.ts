import type { Interval } from '../harness/results/results-schema.js';

/** How {@link formatInterval} prints a value. */
export interface FormatOptions {
  /** Appended to the median: `mCPU` prints `83 mCPU`; `%` and `/s` follow without a space (`4.1%`, `12/s`). */
  unit?: string;
  /** Multiply all values first (e.g. 1/1000 to print ms as s). */
  scale?: number;
  /** Print a `+` on positive values (for differences). */
  signed?: boolean;
  /** Append `, n=…` (or `, range of n values` below {@link MIN_N_FOR_INTERVAL}; default true). */
  showN?: boolean;
}

/**
 * Fewest values for which a bootstrap interval of a median is more than their range: with 2 or 3
 * values the 2.5th and 97.5th percentiles of resampled medians are the smallest and largest value.
 */
export const MIN_N_FOR_INTERVAL = 4;

/** What the bracket of an interval over `n` values is: `95% interval` or `range of 3 values`. */
export function intervalKind(n: number): string {
  return n < MIN_N_FOR_INTERVAL ? `range of ${n} value${n === 1 ? '' : 's'}` : '95% interval';
}

/**
 * The sentence a chart caption gives its bars or bands, for the values' counts `ns`: a 95% bootstrap
 * interval, the range of the values when there are fewer than {@link MIN_N_FOR_INTERVAL}, or both.
 */
export function intervalCaption(ns: readonly number[]): string {
  const small = ns.filter((n) => n < MIN_N_FOR_INTERVAL);
  if (small.length === 0) return '95% bootstrap interval';
  const counts = [...new Set(small)].sort((a, b) => a - b).join(' or ');
  const range = `range of the ${counts} values (fewer than ${MIN_N_FOR_INTERVAL}: no 95% interval)`;
  return small.length === ns.length ? range : `95% bootstrap interval, or the ${range}`;
}

/**
 * Formats a median with its interval, e.g. `83 mCPU [71, 95], n=5`, or `83 mCPU [71, 95], range of 3 values`
 * when there are too few values for the interval to be more than their range.
 *
 * The number of decimals follows the interval's width (its first significant digit, two when that is 1), so the
 * text never claims more precision than the interval supports, and lo/hi are rounded outward so the
 * printed interval always contains the measured one, yet keeps its sign: an interval that excludes 0
 * gets the decimals it needs not to print as touching 0. With n = 1 (or lo = hi) there is no width to go
 * by: three significant digits, and `n=1` says there is no interval.
 */
export function formatInterval(iv: Interval, options: FormatOptions = {}): string {
  const scale = options.scale ?? 1;
  const unit = unitSuffix(options.unit);
  if (iv.n === 0) return 'no data (n=0)';
  const m = iv.median * scale;
  const lo = Math.min(iv.lo, iv.hi) * scale;
  const hi = Math.max(iv.lo, iv.hi) * scale;
  if (![m, lo, hi].every(Number.isFinite)) return `n/a, n=${iv.n}`;
  const width = hi - lo;
  const signed = options.signed ?? false;
  const n =
    options.showN === false ? '' : iv.n < MIN_N_FOR_INTERVAL ? `, ${intervalKind(iv.n)}` : `, n=${iv.n}`;
  if (width === 0) {
    const d = decimalsForSignificant(m, 3);
    const head = `${fixed(m, d, 'nearest', signed)}${unit}`;
    if (iv.n === 1) return `${head}${n ? ', n=1 (no interval)' : ' (no interval)'}`;
    return `${head} [${fixed(lo, d, 'down', signed)}, ${fixed(hi, d, 'up', signed)}]${n}`;
  }
  let d = decimalsForWidth(width);
  // An interval that excludes 0 must not print as one that touches it ([0.3, 12] is not [0, 12]).
  while (
    d < 6 &&
    ((lo > 0 && Number(fixed(lo, d, 'down', false)) <= 0) ||
      (hi < 0 && Number(fixed(hi, d, 'up', false)) >= 0))
  )
    d++;
  return `${fixed(m, d, 'nearest', signed)}${unit} [${fixed(lo, d, 'down', signed)}, ${fixed(hi, d, 'up', signed)}]${n}`;
}

/** A plain value with three significant digits (at most `maxDecimals`), e.g. `1.23`, `1230`. */
export function formatValue(value: number, unit?: string, maxDecimals = 3): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${fixed(value, Math.min(maxDecimals, decimalsForSignificant(value, 3)), 'nearest', false)}${unitSuffix(unit)}`;
}

/** A duration in milliseconds, printed in ms below one second and in seconds above, e.g. `840 ms`, `2.31 s`. */
export function formatDurationMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'n/a';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${fixed(ms / 1000, Math.abs(ms) < 10_000 ? 2 : 1, 'nearest', false)} s`;
}

/** A relative change as a signed percentage, e.g. `+3.4%`, `-12%` (two significant digits, at most one decimal). */
export function formatRelative(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a';
  const pct = ratio * 100;
  const d = Math.min(1, decimalsForSignificant(pct, 2));
  return `${fixed(pct, d, 'nearest', true)}%`;
}

function unitSuffix(unit: string | undefined): string {
  if (!unit) return '';
  return unit === '%' || unit.startsWith('/') ? unit : ` ${unit}`;
}

/**
 * Decimals that keep one significant digit of the interval's width, two when that digit is 1
 * (the particle-physics convention: 24 → `83 [71, 95]`, 1.2 → `4.1 [3.5, 4.7]`).
 */
function decimalsForWidth(width: number): number {
  const exponent = Math.floor(Math.log10(width));
  const leading = Math.floor(width / 10 ** exponent + 1e-9);
  return clampDecimals((leading === 1 ? 1 : 0) - exponent);
}

function decimalsForSignificant(value: number, digits: number): number {
  if (value === 0) return 0;
  return clampDecimals(digits - 1 - Math.floor(Math.log10(Math.abs(value))));
}

function clampDecimals(d: number): number {
  return Math.max(0, Math.min(6, d));
}

/** Rounds to `d` decimals in the given direction; tolerates float noise (0.29 stored as 0.2899…). */
function fixed(value: number, d: number, mode: 'nearest' | 'down' | 'up', signed: boolean): string {
  const f = 10 ** d;
  const x = value * f;
  const eps = 1e-9 * Math.max(1, Math.abs(x));
  const r = mode === 'down' ? Math.floor(x + eps) : mode === 'up' ? Math.ceil(x - eps) : Math.round(x);
  const v = r / f;
  const text = (Object.is(v, -0) ? 0 : v).toFixed(d);
  return signed && v > 0 ? `+${text}` : text;
}
