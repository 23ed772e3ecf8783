import type { Interval, VariantSummary, WindowRecord } from '../../harness/results/results-schema.js';
import { bootstrapMedian } from '../../harness/results/statistics.js';
import { formatDurationMs, formatInterval, intervalCaption } from '../format-interval.js';
import { msg } from '../messages.js';
import {
  AMOUNT_FORMAT,
  type Chart,
  configText,
  DECIMAL_FORMAT,
  drawnChart,
  type Layer,
  leaseText,
  type RunData,
  scaleTypeFor,
} from './chart.js';
import { paretoFrontier } from './pareto-frontier.js';

export const ON_FRONTIER = 'on the Pareto frontier';
export const DOMINATED = 'dominated';
/** Distinct point shapes vega draws (circle, square, cross, diamond, four triangles). */
const MAX_SHAPES = 8;

/** What the x axis of a trade-off chart measures. */
export type TradeoffCost = 'cpu' | 'requests';

/** One variant under one fault kind: what it costs and how fast it fails over. */
export interface TradeoffPoint {
  fault: string;
  /** Variant id (unique). */
  id: string;
  variant: string;
  /** The variant's election strategy (`sharded:8`), for colour when strategies differ. */
  strategy: string;
  /** Short label drawn next to labelled points (N×M and the settings that differ). */
  short: string;
  overhead: number;
  overheadLo: number;
  overheadHi: number;
  /** Values behind the cost's interval (fewer than 4: the bars are their range). */
  overheadN: number;
  p95Seconds: number;
  trials: number;
  position: typeof ON_FRONTIER | typeof DOMINATED;
  /** Whether the text layer labels this point (one point per variant). */
  labelled: boolean;
  overheadText: string;
  p95Text: string;
}

/**
 * Lease requests per second of all verbs per repetition (announce window minus the same
 * repetition's baseline when the run has baselines, as the summary does), as a median with its
 * bootstrap interval; n = 0 when no window was measured.
 */
export function totalLeaseRequests(variant: VariantSummary, windows: readonly WindowRecord[]): Interval {
  const own = windows.filter((w) => w.variantId === variant.id);
  const baseline = new Map(own.filter((w) => w.phase === 'baseline').map((w) => [w.repetition, w]));
  const sum = (w: WindowRecord | undefined) => (w?.leaseRequests ?? []).reduce((a, r) => a + r.perSecond, 0);
  const totals = own
    .filter((w) => w.phase === 'announce' && (baseline.size === 0 || baseline.has(w.repetition)))
    .map((w) => sum(w) - sum(baseline.get(w.repetition)));
  return bootstrapMedian(totals);
}

/** N×M and the settings other than the strategy that differ between variants (`200×25, lease 15/5/2 s`). */
function pointLabel(v: VariantSummary, all: readonly VariantSummary[]): string {
  const shape = new Set(all.map((x) => `${x.announcedServices}×${x.selectedNodes}`)).size > 1;
  const config = configText(v, all)
    .split(', ')
    .filter((part) => part !== '' && part !== v.strategy);
  const parts = [...(shape ? [`${v.announcedServices}×${v.selectedNodes}`] : []), ...config];
  return parts.length > 0 ? parts.join(', ') : `lease ${leaseText(v)}`;
}

/**
 * Points for a trade-off chart, with the Pareto frontier (lower cost and lower p95 are both
 * better) computed per fault kind on the point estimates. Cost is the control-plane CPU overhead
 * (`cpu`, from the summary) or the lease requests per second of all verbs (`requests`, from the
 * windows). With one strategy only frontier points are labelled; with several, every variant is.
 */
export function tradeoffPoints(
  variants: readonly VariantSummary[],
  cost: TradeoffCost = 'cpu',
  windows: readonly WindowRecord[] = [],
): TradeoffPoint[] {
  const severalStrategies = new Set(variants.map((v) => v.strategy)).size > 1;
  const raw: Omit<TradeoffPoint, 'position' | 'labelled'>[] = variants.flatMap((v) => {
    const x = cost === 'cpu' ? v.cpu.controlPlaneOverheadMillicores : totalLeaseRequests(v, windows);
    if (x.n === 0) return [];
    const short = pointLabel(v, variants);
    return v.failover.flatMap((f) =>
      f.outageMs.p95 === null
        ? []
        : [
            {
              fault: f.fault,
              id: v.id,
              variant: v.label,
              strategy: v.strategy,
              short,
              overhead: x.median,
              overheadLo: x.lo,
              overheadHi: x.hi,
              overheadN: x.n,
              p95Seconds: f.outageMs.p95 / 1000,
              trials: f.outageMs.n,
              overheadText: formatInterval(x, { unit: cost === 'cpu' ? 'mCPU' : '/s' }),
              p95Text: `${formatDurationMs(f.outageMs.p95)} (n=${f.outageMs.n})`,
            },
          ],
    );
  });
  const onFrontier = new Set<(typeof raw)[number]>();
  for (const fault of new Set(raw.map((p) => p.fault))) {
    const group = raw.filter((p) => p.fault === fault);
    for (const p of paretoFrontier(
      group,
      (q) => q.overhead,
      (q) => q.p95Seconds,
    ))
      onFrontier.add(p);
  }
  const labelled = new Set<string>();
  return raw.map((p) => {
    const on = onFrontier.has(p);
    // One label per variant: its points under other fault kinds would repeat the same text.
    const label = (on || severalStrategies) && !labelled.has(p.id);
    if (label) labelled.add(p.id);
    return { ...p, position: on ? ON_FRONTIER : DOMINATED, labelled: label };
  });
}

/** Linear, or log/symlog when the positive costs span two orders of magnitude (strategies do). */
function costScale(values: readonly number[]): 'linear' | 'log' | 'symlog' {
  const type = scaleTypeFor(values);
  if (type === 'log') return type;
  const positive = values.filter((x) => x > 0);
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) >= 100 ? 'symlog' : 'linear';
}

/**
 * Cost (x, with its interval) against failover p95 (y) for every variant and fault kind; the
 * Pareto frontier per fault kind is joined by a line. With one strategy, colour is the fault kind
 * and frontier points are diamonds; with several, colour is the strategy, shape the fault kind,
 * frontier points are larger, and every variant is labelled by N×M (and the settings that differ).
 * `cpu`: control-plane CPU overhead (chart `tradeoff`); `requests`: lease requests/s (`tradeoff-requests`).
 */
export function tradeoffSpec(run: RunData, cost: TradeoffCost = 'cpu'): Chart {
  const name = cost === 'cpu' ? 'tradeoff' : 'tradeoff-requests';
  const title =
    cost === 'cpu'
      ? 'Trade-off: control-plane CPU overhead vs failover p95'
      : 'Trade-off: lease requests per second vs failover p95';
  const points = tradeoffPoints(run.summary.variants, cost, run.windows);
  if (points.length === 0) return { kind: 'omitted', name, title, reason: msg.noTradeoff(cost) };
  const byStrategy = new Set(points.map((p) => p.strategy)).size > 1;
  // One strategy and a few variants: each variant gets a shape named in the legend, so no label can
  // overlap another; with more variants than shapes, frontier points are labelled instead.
  const settings = [...new Set(points.map((p) => p.short))];
  const byShape = !byStrategy && settings.length <= MAX_SHAPES;
  const x = {
    field: 'overhead',
    type: 'quantitative',
    title: cost === 'cpu' ? 'control-plane CPU overhead (mCPU)' : 'lease requests per second (all verbs)',
    scale: { type: costScale(points.flatMap((p) => [p.overheadLo, p.overhead, p.overheadHi])) },
    axis: { format: AMOUNT_FORMAT },
  } as const;
  const y = {
    field: 'p95Seconds',
    type: 'quantitative',
    title: 'failover outage p95 (s)',
    axis: { format: DECIMAL_FORMAT },
  } as const;
  const color = byStrategy
    ? ({ field: 'strategy', type: 'nominal', title: 'strategy' } as const)
    : ({ field: 'fault', type: 'nominal', title: 'fault kind' } as const);
  const shape = byStrategy
    ? ({ field: 'fault', type: 'nominal', title: 'fault kind' } as const)
    : byShape
      ? ({
          field: 'short',
          type: 'nominal',
          title: 'variant (N×M, setting)',
          scale: { domain: settings },
        } as const)
      : ({
          field: 'position',
          type: 'nominal',
          title: null,
          scale: { domain: [ON_FRONTIER, DOMINATED], range: ['diamond', 'circle'] },
        } as const);
  const trials = points.map((p) => p.trials);
  const lo = Math.min(...trials);
  const hi = Math.max(...trials);
  const bars = `bars: ${intervalCaption(points.map((p) => p.overheadN))}`;
  const what =
    cost === 'cpu'
      ? `median control-plane CPU overhead (${bars})`
      : `median lease API requests per second, all verbs, net of the baseline (${bars})`;
  const legend = byStrategy
    ? 'colour: strategy; shape: fault kind; label: N×M services × nodes'
    : byShape
      ? 'colour: fault kind; shape: the variant, named in the legend by N×M services × nodes and the settings that differ'
      : 'lease setting, strategy, implementation';
  const frontier = byStrategy || byShape ? 'Larger points' : 'Diamonds';
  const labelLayer: Layer[] = byShape
    ? []
    : [
        {
          transform: [{ filter: 'datum.labelled' }],
          mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: byStrategy ? 9 : 10 },
          encoding: { x, y, text: { field: 'short' } },
        },
      ];
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        `Each point is one variant (${legend}) under one fault kind: ` +
        `${what} against the p95 of the outage seen by probes. ` +
        `${frontier} joined by a line: the Pareto frontier per fault kind (nothing is both cheaper and faster), computed on the point estimates; ` +
        'where intervals overlap, the ordering along the frontier is not established.',
      extra: [`p95 over ${lo === hi ? lo : `${lo}–${hi}`} recovered trials per point (no interval).`],
    },
    {
      width: byStrategy ? 640 : 480,
      height: byStrategy ? 420 : 320,
      data: { values: points },
      encoding: { color },
      layer: [
        {
          mark: { type: 'rule', opacity: 0.6 },
          encoding: { x: { ...x, field: 'overheadLo' }, x2: { field: 'overheadHi' }, y },
        },
        {
          transform: [{ filter: { field: 'position', equal: ON_FRONTIER } }],
          mark: { type: 'line', strokeWidth: 1.5, ...(byStrategy ? { color: '#888' } : {}) },
          encoding: {
            x,
            y,
            order: { field: 'overhead' },
            ...(byStrategy ? { detail: { field: 'fault' }, color: { value: '#888' } } : {}),
          },
        },
        {
          mark: { type: 'point', filled: true, opacity: 0.9 },
          encoding: {
            x,
            y,
            shape,
            size: { condition: { test: `datum.position === '${ON_FRONTIER}'`, value: 110 }, value: 45 },
            tooltip: [
              { field: 'variant', title: 'variant' },
              { field: 'strategy', title: 'strategy' },
              { field: 'fault', title: 'fault' },
              { field: 'overheadText', title: cost === 'cpu' ? 'CPU overhead' : 'lease requests' },
              { field: 'p95Text', title: 'outage p95' },
              { field: 'position', title: 'position' },
            ],
          },
        },
        ...labelLayer,
      ],
    },
  );
}
