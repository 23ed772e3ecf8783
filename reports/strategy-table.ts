import type { VariantSummary } from '../harness/results/results-schema.js';
import { formatDurationMs, formatInterval, formatValue } from './format-interval.js';
import { leaseText } from './specs/chart.js';
import type { TextTable } from './variant-table.js';

/** The reference strategy every other one is held against (Cilium's and kube-vip's). */
export const REFERENCE_STRATEGY = 'per-service';

/** Read above the table: what is compared and how the factor's range is made. */
export const STRATEGY_TABLE_NOTE =
  'Each strategy next to per-service at the same nodes, services and lease settings in this run. Lease requests are all verbs per second, announce minus baseline, median [95% bootstrap interval, or the range of the values when fewer than 4]; "times fewer" is the ratio of medians with the widest ratio the two intervals allow. Failover p95 is over the trials of this run (n each).';

/** What must match for two variants to differ only in their strategy: shape, implementation, lease settings. */
function settingsKey(v: VariantSummary): string {
  return JSON.stringify([
    v.implementation,
    v.nodes,
    v.selectedNodes,
    v.announcedServices,
    v.selection,
    v.renewMode,
    v.leaseDurationMs,
    v.renewDeadlineMs,
    v.retryPeriodMs,
  ]);
}

/**
 * How many times fewer lease requests per second a strategy makes than the reference, as the ratio
 * of medians and the widest ratio the two intervals allow (`[ref.lo / s.hi, ref.hi / s.lo]`); null
 * when either side has no measurement or a non-positive rate.
 */
export function fewerRequestsFactor(
  reference: VariantSummary,
  strategy: VariantSummary,
): { median: number; lo: number; hi: number } | null {
  const r = reference.requestsTotal?.measuredPerSecond;
  const s = strategy.requestsTotal?.measuredPerSecond;
  if (!r || !s || r.n === 0 || s.n === 0 || s.median <= 0 || r.median <= 0) return null;
  return {
    median: r.median / s.median,
    lo: s.hi > 0 ? r.lo / s.hi : 0,
    hi: s.lo > 0 ? r.hi / s.lo : Number.POSITIVE_INFINITY,
  };
}

const factorText = (f: ReturnType<typeof fewerRequestsFactor>): string =>
  f === null
    ? 'n/a'
    : `${formatValue(f.median)}× [${formatValue(f.lo)}, ${Number.isFinite(f.hi) ? formatValue(f.hi) : '∞'}]`;

/** `crash p95 12.3 s vs 14.0 s (n=6/6): no worse` for each fault kind both variants were tried with. */
function failoverAgainst(reference: VariantSummary, strategy: VariantSummary): string {
  const parts = strategy.failover.flatMap((f) => {
    const ref = reference.failover.find((x) => x.fault === f.fault);
    if (!ref) return [];
    const [p, q] = [f.outageMs.p95, ref.outageMs.p95];
    const verdict =
      p === null || q === null
        ? 'no comparison'
        : f.failedTrials > 0
          ? `${f.failedTrials} never recovered`
          : p <= q
            ? 'no worse'
            : `${formatDurationMs(p - q)} worse`;
    return [
      `${f.fault} p95 ${formatDurationMs(p)} vs ${formatDurationMs(q)} (n=${f.outageMs.n}/${ref.outageMs.n}): ${verdict}`,
    ];
  });
  return parts.length > 0 ? parts.join(' · ') : 'no common fault kind';
}

/**
 * Every strategy against {@link REFERENCE_STRATEGY} at the same shape and lease settings: total
 * lease requests per second of each, how many times fewer, and failover p95 side by side. Null
 * when the run has no such pair (one strategy only, or no per-service variant to hold against).
 */
export function strategyComparisonTable(variants: readonly VariantSummary[]): TextTable | null {
  const references = new Map(
    variants.filter((v) => v.strategy === REFERENCE_STRATEGY).map((v) => [settingsKey(v), v]),
  );
  const rows = variants.flatMap((v) => {
    const ref = v.strategy === REFERENCE_STRATEGY ? undefined : references.get(settingsKey(v));
    if (!ref) return [];
    const rate = (x: VariantSummary) =>
      x.requestsTotal ? formatInterval(x.requestsTotal.measuredPerSecond, { unit: '/s' }) : 'n/a';
    return [
      [
        `${v.selectedNodes === v.nodes ? v.nodes : `${v.selectedNodes} of ${v.nodes}`} × ${v.announcedServices}`,
        `${leaseText(v)} (${v.implementation})`,
        v.strategy,
        rate(v),
        rate(ref),
        factorText(fewerRequestsFactor(ref, v)),
        failoverAgainst(ref, v),
      ],
    ];
  });
  if (rows.length === 0) return null;
  return {
    columns: [
      'nodes × services',
      'lease',
      'strategy',
      'lease requests (all verbs)',
      `${REFERENCE_STRATEGY} requests`,
      'times fewer',
      `failover vs ${REFERENCE_STRATEGY}`,
    ],
    rows,
    nowrap: [3, 4, 5],
  };
}
