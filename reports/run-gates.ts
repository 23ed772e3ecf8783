import { EXIT_CODES, ScenarioError } from '../harness/errors.js';
import type { Summary } from '../harness/results/results-schema.js';
import { formatDurationMs, formatValue } from './format-interval.js';
import { crosses, type Gate, parseGate } from './gate-expression.js';
import { metricDef, summaryMetrics } from './metric-names.js';

/**
 * A gate on one run. A scenario `thresholds:` entry must hold (k6's sense: `p95 < 20s` passes when
 * true); a `--fail-if` expression fails the run when it holds (compare's sense). Same grammar.
 */
export interface RunGate {
  gate: Gate;
  sense: 'threshold' | 'fail-if';
}

/** The outcome of one gate over every variant. */
export interface RunGateResult {
  expr: string;
  sense: RunGate['sense'];
  /** Variants that had the metric. */
  checked: number;
  /** One line per breaching variant (or one saying nothing was checked). */
  breaches: string[];
}

/** What `run` concludes from its summary: every gate, every trial that never recovered, the exit code. */
export interface RunVerdict {
  formatVersion: 1;
  gates: RunGateResult[];
  /** One line per variant and fault with trials whose service never came back. */
  neverRecovered: string[];
  /** All failures, one line each: breaches, then never-recovered trials. */
  failures: string[];
  exitCode: typeof EXIT_CODES.ok | typeof EXIT_CODES.gateFailed;
}

/**
 * Parses a run's gates before it starts: the scenario's thresholds and `--fail-if`. Only absolute
 * limits make sense without a baseline run: a relative (`+20%`) or signed (`+500ms`) gate is refused
 * with a pointer to `compare`.
 * @throws ScenarioError naming the expression.
 */
export function parseRunGates(thresholds: readonly string[], failIf: readonly string[]): RunGate[] {
  const parse = (expr: string, sense: RunGate['sense']): RunGate => {
    const source = sense === 'threshold' ? 'thresholds' : '--fail-if';
    const gate = parseGate(expr, source);
    if (gate.mode !== 'level') {
      throw new ScenarioError(
        `${source} '${expr}': a ${gate.mode} limit needs a baseline run: use it with \`l2bench compare --fail-if\`; a run takes absolute limits such as '${gate.metric} ${gate.op} ${Math.abs(gate.threshold)}'`,
      );
    }
    return { gate, sense };
  };
  return [...thresholds.map((e) => parse(e, 'threshold')), ...failIf.map((e) => parse(e, 'fail-if'))];
}

function show(metric: string, value: number): string {
  const unit = metricDef(metric)?.unit;
  if (unit === 'ms') return formatDurationMs(value);
  if (unit === 'count') return String(value);
  if (unit === 'bytes') return `${formatValue(value / 1024, '')} KiB`;
  return formatValue(value, unit ?? '');
}

/**
 * Evaluates gates on a run's summary.json, variant by variant (each variant's summary figure: the
 * median of its repetitions, or the quantile of its trials). A gate whose metric no variant has
 * checked nothing, and that counts as a failure: a gate must not pass by measuring nothing.
 * Trials that never recovered fail the run whatever the gates say. Pure.
 */
export function evaluateRunGates(summary: Summary, gates: readonly RunGate[]): RunVerdict {
  const results = gates.map(({ gate, sense }): RunGateResult => {
    const breaches: string[] = [];
    let checked = 0;
    for (const v of summary.variants) {
      const value = summaryMetrics(v).get(gate.metric);
      if (value === undefined) continue;
      checked++;
      const holds = crosses(value, gate.op, gate.threshold);
      if (sense === 'threshold' ? !holds : holds)
        breaches.push(
          `${sense === 'threshold' ? 'threshold' : '--fail-if'} '${gate.expr}': ${v.label}: ${gate.metric} = ${show(gate.metric, value)}`,
        );
    }
    if (checked === 0)
      breaches.push(`'${gate.expr}': no variant of this run has ${gate.metric}, so the gate checked nothing`);
    return { expr: gate.expr, sense, checked, breaches };
  });
  const neverRecovered = summary.variants.flatMap((v) =>
    v.failover
      .filter((f) => f.failedTrials > 0)
      .map(
        (f) =>
          `${v.label}: ${f.failedTrials} of ${f.failedTrials + f.outageMs.n} ${f.fault} trial${f.failedTrials + f.outageMs.n === 1 ? '' : 's'} never recovered`,
      ),
  );
  const failures = [...results.flatMap((r) => r.breaches), ...neverRecovered];
  return {
    formatVersion: 1,
    gates: results,
    neverRecovered,
    failures,
    exitCode: failures.length > 0 ? EXIT_CODES.gateFailed : EXIT_CODES.ok,
  };
}
