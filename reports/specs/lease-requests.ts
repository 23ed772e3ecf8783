import type { VariantSummary } from '../../harness/results/results-schema.js';
import { formatInterval, formatRelative, formatValue, intervalCaption } from '../format-interval.js';
import { msg } from '../messages.js';
import { verbName } from '../variant-metrics.js';
import {
  AMOUNT_FORMAT,
  type Chart,
  COUNT_FORMAT,
  configText,
  drawnChart,
  type Layer,
  type RunData,
  scaleTypeFor,
} from './chart.js';

/** One verb of one variant: measured lease request rate and the model's. */
export interface RequestPoint {
  verb: string;
  /** Selected nodes × announced services. */
  nm: number;
  median: number;
  lo: number;
  hi: number;
  n: number;
  model: number | null;
  /** Keeps model lines of different configurations (lease settings, …) apart. */
  modelSeries: string;
  /** Election strategy (`sharded:8`). */
  strategy: string;
  /** The settings that differ between variants (strategy, lease, selection…): the point's shape when several. */
  setting: string;
  variant: string;
  text: string;
  modelText: string;
}

/** The points of the requests chart: variants × verbs with at least one measured window. */
export function requestPoints(variants: readonly VariantSummary[]): RequestPoint[] {
  return variants.flatMap((v) =>
    v.requests
      .filter((r) => r.measuredPerSecond.n > 0)
      .map((r) => {
        const config = configText(v, variants);
        const verb = verbName(r.verb);
        return {
          verb,
          nm: v.selectedNodes * v.announcedServices,
          median: r.measuredPerSecond.median,
          lo: r.measuredPerSecond.lo,
          hi: r.measuredPerSecond.hi,
          n: r.measuredPerSecond.n,
          model: r.modelPerSecond,
          modelSeries: config ? `${verb}, ${config}` : verb,
          strategy: v.strategy,
          setting: config || 'all variants',
          variant: v.label,
          text: formatInterval(r.measuredPerSecond, { unit: '/s' }),
          modelText:
            r.modelPerSecond === null
              ? 'no model'
              : `${formatValue(r.modelPerSecond, '/s')} (measured ${formatRelative(r.relativeError)})`,
        };
      }),
  );
}

/**
 * Lease requests per second (apiserver_request_total{resource="leases"} deltas over the announce
 * windows) per verb against N×M, with error bars, and the analytic model as dashed lines.
 */
export function leaseRequestsSpec(run: RunData): Chart {
  const name = 'lease-requests';
  const title = 'Lease requests per second vs N × M';
  const points = requestPoints(run.summary.variants);
  if (points.length === 0) return { kind: 'omitted', name, title, reason: msg.noLeaseRequests() };
  const positive = points.flatMap((p) => [p.lo, p.median, ...(p.model === null ? [] : [p.model])]);
  const x = {
    field: 'nm',
    type: 'quantitative',
    title: 'N × M (announced services × candidate nodes)',
    scale: { type: scaleTypeFor(points.map((p) => p.nm)) },
    axis: { format: COUNT_FORMAT, tickMinStep: 1 },
  } as const;
  const yScale = { type: scaleTypeFor(positive) };
  const color = { field: 'verb', type: 'nominal', title: 'verb (Kubernetes)' } as const;
  const hasModel = points.some((p) => p.model !== null);
  const bySetting = new Set(points.map((p) => p.setting)).size > 1;
  const shape = bySetting ? { shape: { field: 'setting', type: 'nominal', title: 'setting' } as const } : {};
  const modelLayer: Layer[] = hasModel
    ? [
        {
          transform: [{ filter: 'datum.model != null' }],
          mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.5, point: { filled: false, size: 30 } },
          encoding: {
            y: { field: 'model', type: 'quantitative', scale: yScale },
            detail: { field: 'modelSeries' },
            order: { field: 'nm' },
          },
        },
      ]
    : [];
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        'Lease API requests per second seen by kube-apiserver during the announce windows, per verb. ' +
        `Points: median over repetitions${bySetting ? ' (shape: the settings that differ between variants)' : ''}; ` +
        `bars: ${intervalCaption(points.map((p) => p.n))}` +
        (hasModel
          ? '; open circles on dashed lines: the analytic model.'
          : '; no variant has an analytic model figure.'),
    },
    {
      width: 480,
      height: 300,
      data: { values: points },
      encoding: { x, color },
      layer: [
        ...modelLayer,
        {
          mark: { type: 'rule' },
          encoding: { y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' } },
        },
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
          encoding: {
            y: {
              field: 'median',
              type: 'quantitative',
              title: 'lease requests per second',
              scale: yScale,
              axis: { format: AMOUNT_FORMAT },
            },
            ...shape,
            tooltip: [
              { field: 'variant', title: 'variant' },
              { field: 'strategy', title: 'strategy' },
              { field: 'verb', title: 'verb' },
              { field: 'text', title: 'measured' },
              { field: 'modelText', title: 'model' },
            ],
          },
        },
      ],
    },
  );
}
