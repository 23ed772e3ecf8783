import { ScenarioError } from '../harness/errors.js';
import { FAULT_KINDS } from '../harness/run/results-schema.js';
import { msg } from './messages.js';

export type GateOp = '>' | '>=' | '<' | '<=';

/**
 * - `relative`: the candidate's change relative to the baseline, in % (`+20%`, `-10%`, `20%`).
 * - `difference`: the change in the metric's unit, written with an explicit sign (`+30`, `-500ms`).
 * - `level`: the candidate's own value, written without a sign (`150`, `2s`).
 */
export type GateMode = 'relative' | 'difference' | 'level';

/** A parsed `--fail-if` expression. */
export interface Gate {
  expr: string;
  metric: string;
  op: GateOp;
  mode: GateMode;
  /** In % for `relative`, else in the metric's base unit (mCPU, requests/s, ms). */
  threshold: number;
}

/** The base unit of a metric and the suffixes accepted for it (with their factor to the base unit). */
export function metricUnit(metric: string): { unit: string; suffixes: Record<string, number> } | undefined {
  if (metric === 'cpu.overhead') return { unit: 'mCPU', suffixes: { '': 1, m: 1, mcpu: 1 } };
  if (/^requests\.[a-z]+$/.test(metric)) return { unit: '/s', suffixes: { '': 1, '/s': 1 } };
  const f = /^failover\.([a-z-]+)\.(p50|p95|dualAnsweringMs)$/.exec(metric);
  if (f && (FAULT_KINDS as readonly string[]).includes(f[1] ?? ''))
    return { unit: 'ms', suffixes: { '': 1, ms: 1, s: 1000 } };
  return undefined;
}

export const KNOWN_METRICS = `cpu.overhead, requests.<verb>, failover.<${FAULT_KINDS.join('|')}>.<p50|p95|dualAnsweringMs>`;

/** `failover.crash.*` gates (written before agent crashes were told apart) mean node-crash. */
function canonicalMetric(metric: string): string {
  return metric.replace(/^failover\.crash\./, 'failover.node-crash.');
}

const SHAPE = /^\s*([A-Za-z0-9_.-]+)\s*(>=|<=|>|<)\s*([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*(%|[A-Za-z/]*)\s*$/;

/**
 * Parses a gate such as `cpu.overhead > +20%`, `failover.crash.p95 > +500ms`, `requests.get < -10%`
 * or `cpu.overhead >= 150`.
 * @throws ScenarioError whose one-line message quotes the expression and says what is wrong.
 */
export function parseGate(expr: string): Gate {
  const fail = (problem: string): never => {
    throw new ScenarioError(msg.gateSyntax(expr, problem));
  };
  const m = SHAPE.exec(expr);
  if (!m) {
    const metricOnly = /^\s*([A-Za-z0-9_.-]+)/.exec(expr)?.[1];
    if (metricOnly && !metricUnit(canonicalMetric(metricOnly)))
      fail(`unknown metric '${metricOnly}' (known: ${KNOWN_METRICS})`);
    if (!/(>=|<=|>|<)/.test(expr)) fail('no comparator (one of >, >=, <, <=)');
    fail('the value must be a number, optionally signed, with % or a unit');
  }
  const [, written = '', op = '>', sign = '', number = '0', suffix = ''] = m as RegExpExecArray;
  const metric = canonicalMetric(written);
  const unit = metricUnit(metric);
  if (!unit) return fail(`unknown metric '${metric}' (known: ${KNOWN_METRICS})`);
  const value = Number(number) * (sign === '-' ? -1 : 1);
  if (suffix === '%') return { expr, metric, op: op as GateOp, mode: 'relative', threshold: value };
  const factor = unit.suffixes[suffix.toLowerCase()];
  if (factor === undefined) {
    const allowed = Object.keys(unit.suffixes).filter(Boolean);
    return fail(`unit '${suffix}' does not fit ${metric} (use % or ${allowed.join(', ')})`);
  }
  return { expr, metric, op: op as GateOp, mode: sign ? 'difference' : 'level', threshold: value * factor };
}

/** Whether `value op threshold` holds. */
export function crosses(value: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}
