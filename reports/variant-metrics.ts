import type { TrialRecord, VariantSummary, WindowRecord } from '../harness/results/results-schema.js';
import { median, quantile } from '../harness/results/statistics.js';

/** The per-repetition (or per-trial) values behind one metric of one variant, and how to summarise them. */
export interface MetricSample {
  metric: string;
  unit: string;
  values: number[];
  statistic: (values: readonly number[]) => number;
  /**
   * Fewest values per run for a bootstrap interval of a difference to mean something. Simulated on
   * two samples from one normal distribution, the 95% percentile bootstrap calls a difference of
   * medians "changed" 9% of the time at n = 3 and 2–5% from n = 5; for p95 it stays at 11–17% up to
   * n = 10 and reaches 3% only near n = 20 (the p95 of a few values is about their maximum).
   */
  minN: number;
}

const MIN_N_MEDIAN = 3;
const MIN_N_P95 = 20;

/**
 * The comparable metrics of a variant, from its raw records:
 * - `cpu.overhead`: announce − baseline control-plane mCPU, paired by repetition (median);
 * - `requests.<verb>`: lease requests/s of that verb (all codes) per announce window, minus the same
 *   repetition's baseline window when the run has baselines, as summary.json does (median); the
 *   verb is named as Kubernetes does (`get`, `update`, `create`), not by HTTP method;
 * - `failover.<kind>.p50|p95`: outage of each recovered trial, ms (the quantile);
 * - `failover.<kind>.dualAnsweringMs`: time two nodes answered for the VIP, per trial, ms (the
 *   longest: one trial with two answerers is the finding, however many trials had none).
 */
export function variantMetrics(
  variant: VariantSummary,
  windows: readonly WindowRecord[],
  trials: readonly TrialRecord[],
): MetricSample[] {
  const own = windows.filter((w) => w.variantId === variant.id);
  const announce = own.filter((w) => w.phase === 'announce');
  const baseline = new Map(own.filter((w) => w.phase === 'baseline').map((w) => [w.repetition, w]));
  const out: MetricSample[] = [];

  const overhead = announce.flatMap((a) => {
    const b = baseline.get(a.repetition);
    return b ? [a.cpuMillicores.controlPlane - b.cpuMillicores.controlPlane] : [];
  });
  if (overhead.length > 0) {
    out.push({
      metric: 'cpu.overhead',
      unit: 'mCPU',
      values: overhead,
      statistic: median,
      minN: MIN_N_MEDIAN,
    });
  }

  const hasBaselines = baseline.size > 0;
  const netRates = announce.flatMap((a) => {
    const b = baseline.get(a.repetition);
    if (hasBaselines && !b) return [];
    const rates = new Map<string, number>();
    for (const r of a.leaseRequests)
      rates.set(verbName(r.verb), (rates.get(verbName(r.verb)) ?? 0) + r.perSecond);
    for (const r of b?.leaseRequests ?? [])
      rates.set(verbName(r.verb), (rates.get(verbName(r.verb)) ?? 0) - r.perSecond);
    return [rates];
  });
  const verbs = [...new Set(netRates.flatMap((rates) => [...rates.keys()]))].sort();
  for (const verb of verbs) {
    // A verb absent from a window was not requested in it: 0, not missing.
    const values = netRates.map((rates) => rates.get(verb) ?? 0);
    out.push({ metric: `requests.${verb}`, unit: '/s', values, statistic: median, minN: MIN_N_MEDIAN });
  }

  const ownTrials = trials.filter((t) => t.variantId === variant.id);
  for (const fault of [...new Set(ownTrials.map((t) => t.fault))].sort()) {
    out.push({
      metric: `failover.${fault}.dualAnsweringMs`,
      unit: 'ms',
      values: ownTrials.filter((t) => t.fault === fault).map((t) => t.dualAnsweringMs),
      statistic: (xs) => Math.max(...xs),
      minN: MIN_N_MEDIAN,
    });
    const values = ownTrials.filter((t) => t.fault === fault && t.outageMs !== null).map((t) => t.outageMs!);
    if (values.length === 0) continue;
    for (const [name, q, minN] of [
      ['p50', 0.5, MIN_N_MEDIAN],
      ['p95', 0.95, MIN_N_P95],
    ] as const) {
      out.push({
        metric: `failover.${fault}.${name}`,
        unit: 'ms',
        values,
        statistic: (xs) => quantile(xs, q),
        minN,
      });
    }
  }
  return out;
}

const VERB_NAMES: Record<string, string> = {
  GET: 'get',
  PUT: 'update',
  POST: 'create',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The Kubernetes verb for an apiserver_request_total `verb` label (HTTP method): PUT → `update`. */
export function verbName(verb: string): string {
  return VERB_NAMES[verb.toUpperCase()] ?? verb.toLowerCase();
}
