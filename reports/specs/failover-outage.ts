import type { TrialRecord, VariantSummary } from '../../harness/results/results-schema.js';
import { formatDurationMs } from '../format-interval.js';
import { msg } from '../messages.js';
import { type Chart, configText, DECIMAL_FORMAT, drawnChart, leaseText, type RunData } from './chart.js';

/** One failover trial that recovered. */
export interface OutagePoint {
  fault: string;
  /** The x category: lease setting, plus whatever else distinguishes variants sharing it. */
  setting: string;
  outageSeconds: number;
  trial: number;
  variant: string;
  /** Deterministic horizontal spread in [-0.35, 0.35] so equal outages do not hide each other. */
  jitter: number;
  text: string;
}

/** The x-axis label of a variant in the failover chart. */
export function settingLabel(v: VariantSummary, all: readonly VariantSummary[]): string {
  const lease = leaseText(v);
  const sameLease = all.filter((o) => leaseText(o) === lease);
  if (sameLease.length <= 1) return lease;
  const others = configText(v, sameLease);
  return others ? `${lease}, ${others}` : `${lease}, ${v.nodes}×${v.announcedServices}`;
}

/** Points of recovered trials (outageMs not null) of variants the summary lists. */
export function outagePoints(
  variants: readonly VariantSummary[],
  trials: readonly TrialRecord[],
): OutagePoint[] {
  const byId = new Map(variants.map((v) => [v.id, v]));
  const withTrials = variants.filter((v) => trials.some((t) => t.variantId === v.id));
  return trials.flatMap((t) => {
    const v = byId.get(t.variantId);
    if (!v || t.outageMs === null) return [];
    return [
      {
        fault: t.fault,
        setting: settingLabel(v, withTrials),
        outageSeconds: t.outageMs / 1000,
        trial: t.trial,
        variant: v.label,
        jitter: ((t.trial * 0.618_034) % 1) * 0.7 - 0.35,
        text: formatDurationMs(t.outageMs),
      },
    ];
  });
}

/**
 * Outage seen by the probes per fault kind (columns) and lease setting (x): a box per group
 * (min–max whiskers) with every trial drawn over it. Trials that never recovered are counted in the
 * caption, not plotted.
 */
export function failoverOutageSpec(run: RunData): Chart {
  const name = 'failover-outage';
  const title = 'Failover outage per fault kind and lease setting';
  const trials = run.trials.filter((t) => run.summary.variants.some((v) => v.id === t.variantId));
  if (trials.length === 0) return { kind: 'omitted', name, title, reason: msg.noTrials() };
  const points = outagePoints(run.summary.variants, trials);
  if (points.length === 0)
    return { kind: 'omitted', name, title, reason: msg.noRecoveredTrials(trials.length) };
  const lost = trials.length - points.length;
  const perGroup = new Map<string, number>();
  for (const p of points)
    perGroup.set(`${p.fault} ${p.setting}`, (perGroup.get(`${p.fault} ${p.setting}`) ?? 0) + 1);
  const counts = [...perGroup.values()];
  const trialsText = `${Math.min(...counts)}${Math.max(...counts) === Math.min(...counts) ? '' : `–${Math.max(...counts)}`}`;
  // Settings are named by the legend, not under each column: long names overlapped at 90 px a column.
  const x = {
    field: 'setting',
    type: 'nominal',
    title: null,
    axis: { labels: false, ticks: false },
  } as const;
  const y = {
    field: 'outageSeconds',
    type: 'quantitative',
    title: 'outage seen by probes (s)',
    axis: { format: DECIMAL_FORMAT },
  } as const;
  const color = {
    field: 'setting',
    type: 'nominal',
    title: 'setting (lease duration/renew deadline/retry period)',
    legend: { orient: 'bottom', direction: 'vertical', symbolOpacity: 1, titleLimit: 600, labelLimit: 600 },
  } as const;
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        'Time between the last probe answered by the faulted node and the first answered by its successor, per trial. ' +
        'Colour: the setting (lease duration/renew deadline/retry period, and what else differs between variants). ' +
        'Boxes: quartiles, whiskers: min–max; dots: individual trials (hover for the variant).',
      context: `${trialsText} recovered trials per fault kind and setting, ${trials.length} trials in all`,
      extra:
        lost > 0
          ? [
              `${lost} trial${lost === 1 ? '' : 's'} where the service never came back ${lost === 1 ? 'is' : 'are'} not plotted.`,
            ]
          : [],
    },
    {
      data: { values: points },
      facet: {
        column: { field: 'fault', type: 'nominal', title: 'fault kind', header: { labelFontSize: 12 } },
      },
      spec: {
        width: { step: 90 },
        height: 280,
        layer: [
          {
            mark: { type: 'boxplot', extent: 'min-max', opacity: 0.35, size: 40 },
            encoding: { x, y, color },
          },
          {
            mark: { type: 'point', filled: true, size: 40, opacity: 0.9, stroke: '#333', strokeWidth: 0.8 },
            encoding: {
              x,
              color,
              xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-1, 1] } },
              y,
              tooltip: [
                { field: 'variant', title: 'variant' },
                { field: 'fault', title: 'fault' },
                { field: 'trial', title: 'trial' },
                { field: 'text', title: 'outage' },
              ],
            },
          },
        ],
      },
    },
  );
}
