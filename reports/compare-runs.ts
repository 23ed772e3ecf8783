import { EXIT_CODES, ScenarioError } from '../harness/errors.js';
import type { VariantSummary } from '../harness/results/results-schema.js';
import { bootstrapDifference } from './bootstrap.js';
import { formatDurationMs, formatInterval, formatRelative, formatValue } from './format-interval.js';
import { crosses, type Gate, parseGate } from './gate-expression.js';
import { loadResults, type RunResults } from './load-results.js';
import { msg } from './messages.js';
import { machineText } from './specs/chart.js';
import { variantMetrics } from './variant-metrics.js';

export interface CompareOptions {
  /** `--fail-if` expressions, e.g. `cpu.overhead > +20%`; parsed before any run is read. */
  failIf?: readonly string[];
  seed?: number;
  resamples?: number;
}

/** A run as the comparison names it. */
export interface RunRef {
  dir: string;
  runId: string;
  scenario: string;
  startedAt: string;
  machine: string;
}

/** One metric of one matched variant: both runs' values and the difference candidate − baseline. */
export interface MetricComparison {
  metric: string;
  unit: string;
  baseline: { value: number; n: number };
  candidate: { value: number; n: number };
  /** Fewest values per run for an interval (3 for medians, 20 for p95; see variant-metrics.ts). */
  minN: number;
  /** candidate − baseline with a 95% bootstrap interval; null when either side has fewer than `minN` values. */
  difference: { estimate: number; lo: number; hi: number } | null;
  /** (candidate − baseline) / |baseline|; null when the baseline is 0. */
  relative: number | null;
  verdict: 'changed' | 'within noise' | 'too few values';
}

export interface VariantComparison {
  label: string;
  params: VariantSummary['params'];
  metrics: MetricComparison[];
}

/** One candidate run against the baseline. */
export interface PairComparison {
  candidate: RunRef;
  variants: VariantComparison[];
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** Differences in setup that make the comparison weaker (machine, windows, repetitions). */
  notes: string[];
}

/** The result of {@link compareRuns}; plain data, written as JSON as is. */
export interface RunComparison {
  /** Layout version of this JSON (`compare --json`). */
  formatVersion: 1;
  baseline: RunRef;
  pairs: PairComparison[];
  /** Per gate: how many variant metrics it checked, its violations, and crossings within noise (not failures). */
  gates: { expr: string; checked: number; violations: string[]; withinNoise: string[] }[];
  /** One line per gate violation (including gates that checked nothing). */
  violations: string[];
  /** 99 when any gate is violated (EXIT_CODES.gateFailed): the CLI's exit code. */
  exitCode: 0 | 99;
}

/** The key two runs' variants are matched by: label plus the swept parameters (key order ignored). */
export function variantKey(v: Pick<VariantSummary, 'label' | 'params'>): string {
  const params = Object.keys(v.params)
    .sort()
    .map((k) => [k, v.params[k]]);
  return `${v.label}\u0000${JSON.stringify(params)}`;
}

/**
 * Compares runs: the first directory is the baseline, every other one a candidate. Variants are
 * matched by label and params; for each metric the difference candidate − baseline gets a seeded
 * bootstrap 95% interval (resampling the per-repetition window values, or the trials for failover),
 * and is "changed" when that interval excludes 0. Metrics with too few values for a trustworthy
 * interval (see `minN`) get none and the verdict "too few values". Gates (`--fail-if`) are evaluated on every matched
 * variant; see {@link evaluateGate} for when a gate counts as violated.
 * @throws ScenarioError for a malformed gate or fewer than two runs; ResultsError for unreadable runs.
 */
export async function compareRuns(
  dirs: readonly string[],
  options: CompareOptions = {},
): Promise<RunComparison> {
  const gates = (options.failIf ?? []).map((expr) => parseGate(expr));
  if (dirs.length < 2) throw new ScenarioError(msg.tooFewRuns(dirs.length));
  const runs: RunResults[] = [];
  for (const dir of dirs) runs.push(await loadResults(dir));
  const [base, ...candidates] = runs as [RunResults, ...RunResults[]];
  const pairs = candidates.map((c) => comparePair(base, c, options));
  const gateResults = gates.map((g) => {
    const checked = pairs.flatMap((p) =>
      p.variants.flatMap((v) => v.metrics.filter((m) => m.metric === g.metric).map((m) => ({ p, v, m }))),
    );
    const violations: string[] = checked.length === 0 ? [msg.gateNoData(g.expr)] : [];
    const withinNoise: string[] = [];
    for (const { p, v, m } of checked) {
      const outcome = evaluateGate(g, m);
      if (outcome.kind === 'holds') continue;
      const line = `${g.expr}: ${v.label}${pairs.length > 1 ? ` (${p.candidate.runId})` : ''}: ${outcome.text}`;
      (outcome.kind === 'violated' ? violations : withinNoise).push(line);
    }
    return { expr: g.expr, checked: checked.length, violations, withinNoise };
  });
  const violations = gateResults.flatMap((g) => g.violations);
  return {
    formatVersion: 1,
    baseline: ref(base),
    pairs,
    gates: gateResults,
    violations,
    exitCode: violations.length > 0 ? EXIT_CODES.gateFailed : EXIT_CODES.ok,
  };
}

function ref(run: RunResults): RunRef {
  const s = run.summary;
  return {
    dir: run.dir,
    runId: s.runId,
    scenario: s.scenario,
    startedAt: s.startedAt,
    machine: machineText(run.environment),
  };
}

function comparePair(base: RunResults, cand: RunResults, options: CompareOptions): PairComparison {
  const candByKey = new Map(cand.summary.variants.map((v) => [variantKey(v), v]));
  const baseKeys = new Set(base.summary.variants.map(variantKey));
  const notes: string[] = [];
  const [mb, mc] = [machineText(base.environment), machineText(cand.environment)];
  if (mb !== mc) notes.push(`The runs were measured on different machines: baseline ${mb}; candidate ${mc}.`);
  const variants: VariantComparison[] = [];
  for (const bv of base.summary.variants) {
    const cv = candByKey.get(variantKey(bv));
    if (!cv) continue;
    // Side by side: a bundled run against a kube-vip run of the same scenario is the peer comparison.
    if (bv.implementation !== cv.implementation) {
      notes.push(
        `${bv.label}: baseline announced by ${bv.implementation}, candidate by ${cv.implementation}.`,
      );
    }
    if (bv.windowSeconds !== cv.windowSeconds || bv.repetitions !== cv.repetitions) {
      notes.push(
        `${bv.label}: baseline ${bv.windowSeconds} s × ${bv.repetitions} repetitions, candidate ${cv.windowSeconds} s × ${cv.repetitions}.`,
      );
    }
    const cm = new Map(variantMetrics(cv, cand.windows, cand.trials).map((m) => [m.metric, m]));
    const metrics: MetricComparison[] = [];
    for (const b of variantMetrics(bv, base.windows, base.trials)) {
      const c = cm.get(b.metric);
      if (!c) continue;
      const bValue = b.statistic(b.values);
      const cValue = c.statistic(c.values);
      const enough = b.values.length >= b.minN && c.values.length >= b.minN;
      const diff = enough
        ? bootstrapDifference(b.values, c.values, {
            statistic: b.statistic,
            seed: options.seed ?? 1,
            resamples: options.resamples ?? 4000,
          })
        : undefined;
      metrics.push({
        metric: b.metric,
        unit: b.unit,
        minN: b.minN,
        baseline: { value: bValue, n: b.values.length },
        candidate: { value: cValue, n: c.values.length },
        difference: diff ? { estimate: diff.estimate, lo: diff.lo, hi: diff.hi } : null,
        relative: bValue === 0 ? null : (cValue - bValue) / Math.abs(bValue),
        verdict: !diff ? 'too few values' : diff.lo > 0 || diff.hi < 0 ? 'changed' : 'within noise',
      });
    }
    variants.push({ label: bv.label, params: bv.params, metrics });
  }
  return {
    candidate: ref(cand),
    variants,
    onlyInBaseline: base.summary.variants.filter((v) => !candByKey.has(variantKey(v))).map((v) => v.label),
    onlyInCandidate: cand.summary.variants.filter((v) => !baseKeys.has(variantKey(v))).map((v) => v.label),
    notes,
  };
}

/** What a gate concluded about one metric of one variant. */
export type GateOutcome =
  | { kind: 'holds' }
  | { kind: 'violated'; text: string }
  | { kind: 'within noise'; text: string };

/**
 * Evaluates a gate on one metric. A `level` gate compares the candidate's value. A `relative` or
 * `difference` gate needs the change to cross the threshold and, when an interval exists, to be
 * beyond noise (its interval excludes 0): a gate must not fail a build on a change the repetitions
 * cannot tell from noise; such a crossing comes back as `within noise`. Without an interval
 * (fewer than `minN` values) the point estimate decides, and the text says so.
 */
export function evaluateGate(gate: Gate, m: MetricComparison): GateOutcome {
  const fmt = (x: number) => (m.unit === 'ms' ? formatDurationMs(x) : formatValue(x, m.unit));
  if (gate.mode === 'level') {
    return crosses(m.candidate.value, gate.op, gate.threshold)
      ? { kind: 'violated', text: `${fmt(m.candidate.value)} (baseline ${fmt(m.baseline.value)})` }
      : { kind: 'holds' };
  }
  const delta = m.candidate.value - m.baseline.value;
  const value = gate.mode === 'relative' ? (m.relative === null ? null : m.relative * 100) : delta;
  if (value === null || !crosses(value, gate.op, gate.threshold)) return { kind: 'holds' };
  const change =
    gate.mode === 'relative' ? formatRelative(m.relative) : `${delta > 0 ? '+' : ''}${fmt(delta)}`;
  const text = `changed ${change} (${fmt(m.baseline.value)} → ${fmt(m.candidate.value)}; ${differenceText(m)})`;
  return m.verdict === 'within noise' ? { kind: 'within noise', text } : { kind: 'violated', text };
}

/** `difference +28 mCPU [+19, +37]` or why there is no interval. */
export function differenceText(m: MetricComparison): string {
  if (!m.difference) return `no interval (n=${m.baseline.n} vs ${m.candidate.n}, need ${m.minN} each)`;
  const d = m.difference;
  const iv = { median: d.estimate, lo: d.lo, hi: d.hi, n: Math.min(m.baseline.n, m.candidate.n) };
  const scale = m.unit === 'ms' && Math.max(Math.abs(d.lo), Math.abs(d.hi)) >= 1000 ? 1 / 1000 : 1;
  const unit = m.unit === 'ms' && scale !== 1 ? 's' : m.unit;
  return `difference ${formatInterval(iv, { unit, signed: true, scale, showN: false })}`;
}
