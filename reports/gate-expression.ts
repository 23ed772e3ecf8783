import { ScenarioError } from '../harness/errors.js';
import { msg } from './messages.js';
import { KNOWN_METRICS, type MetricUnit, metricDef, UNIT_SUFFIXES } from './metric-names.js';

export type GateOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/**
 * - `relative`: the candidate's change relative to the baseline, in % (`+20%`, `-10%`, `20%`).
 * - `difference`: the change in the metric's unit, written with an explicit sign (`+30`, `-500ms`).
 * - `level`: the candidate's own value, written without a sign (`150`, `2s`).
 * For a metric measured in % (`cpu.overhead.pct`, `requests.rel_error`) a `%` value is the metric's
 * own unit: `10%` is a level and `+1%` a difference in percentage points.
 */
export type GateMode = 'relative' | 'difference' | 'level';

/** A parsed gate expression (`--fail-if`, or a scenario threshold). */
export interface Gate {
  expr: string;
  metric: string;
  op: GateOp;
  mode: GateMode;
  /** In % for `relative`, else in the metric's base unit (mCPU, requests/s, ms, %, count, bytes). */
  threshold: number;
}

/** The base unit of a metric and the suffixes accepted for it (with their factor to the base unit). */
export function metricUnit(
  metric: string,
): { unit: MetricUnit; suffixes: Record<string, number> } | undefined {
  const def = metricDef(metric);
  return def ? { unit: def.unit, suffixes: UNIT_SUFFIXES[def.unit] } : undefined;
}

export { KNOWN_METRICS };

const SHAPE = /^\s*([A-Za-z0-9_.-]+)\s*(>=|<=|==|!=|>|<)\s*([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*(%|[A-Za-z/]*)\s*$/;

/** `failover.crash.*` gates (written before agent crashes were told apart) mean node-crash. */
function canonicalMetric(metric: string): string {
  return metric.replace(/^failover\.crash\./, 'failover.node-crash.');
}

/**
 * Parses a gate such as `cpu.overhead > +20%`, `failover.crash.p95 > +500ms`, `requests.get < -10%`,
 * `cpu.overhead >= 150` or `dualAnswering == 0`. `source` names where it came from in messages.
 * @throws ScenarioError whose one-line message quotes the expression and says what is wrong.
 */
export function parseGate(expr: string, source = '--fail-if'): Gate {
  const fail = (problem: string): never => {
    throw new ScenarioError(msg.gateSyntax(expr, problem, source));
  };
  const m = SHAPE.exec(expr);
  if (!m) {
    const metricOnly = /^\s*([A-Za-z0-9_.-]+)/.exec(expr)?.[1];
    if (metricOnly && !metricUnit(canonicalMetric(metricOnly)))
      fail(`unknown metric '${metricOnly}' (known: ${KNOWN_METRICS})`);
    if (!/(>=|<=|==|!=|>|<)/.test(expr)) fail('no comparator (one of >, >=, <, <=, ==, !=)');
    fail('the value must be a number, optionally signed, with % or a unit');
  }
  const [, written = '', op = '>', sign = '', number = '0', suffix = ''] = m as RegExpExecArray;
  const metric = canonicalMetric(written);
  const unit = metricUnit(metric);
  if (!unit) return fail(`unknown metric '${metric}' (known: ${KNOWN_METRICS})`);
  const value = Number(number) * (sign === '-' ? -1 : 1);
  if (suffix === '%' && unit.unit !== '%')
    return { expr, metric, op: op as GateOp, mode: 'relative', threshold: value };
  const factor = unit.suffixes[suffix.toLowerCase()];
  if (factor === undefined) {
    const allowed = Object.keys(unit.suffixes).filter(Boolean);
    const options = unit.unit === '%' ? allowed : ['%', ...allowed];
    return fail(
      `unit '${suffix}' does not fit ${metric} (${options.length > 0 ? `use ${options.join(', ')}` : 'write a plain number'})`,
    );
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
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
