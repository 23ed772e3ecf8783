import type { Interval, VariantSummary } from '../../harness/results/results-schema.js';
import { formatInterval, intervalCaption } from '../format-interval.js';
import { msg } from '../messages.js';
import { AMOUNT_FORMAT, type Chart, drawnChart, type RunData } from './chart.js';

/** The figures of the etcd and agents panel, in panel order, with how each is read from a variant. */
export const PANEL_METRICS: readonly {
  key: string;
  title: string;
  unit: string;
  of: (v: VariantSummary) => Interval | null;
}[] = [
  { key: 'writes', title: 'etcd writes (raft proposals/s)', unit: '/s', of: (v) => v.etcd.writesPerSecond },
  { key: 'fsyncs', title: 'etcd WAL fsyncs/s', unit: '/s', of: (v) => v.etcd.fsyncsPerSecond },
  { key: 'db', title: 'etcd DB growth per window (bytes)', unit: 'B', of: (v) => v.etcd.dbSizeGrowthBytes },
  {
    key: 'agents',
    title: 'agent CPU, all nodes (mCPU)',
    unit: 'mCPU',
    of: (v) => v.cpu.announcersMillicores,
  },
];

/** One variant's figure in one panel. */
export interface PanelPoint {
  panel: string;
  variant: string;
  /** Order of the variant in the run, so rows read as the summary lists them. */
  order: number;
  median: number;
  lo: number;
  hi: number;
  n: number;
  text: string;
}

/** The panel's points: every variant × figure that was measured (n > 0). */
export function panelPoints(variants: readonly VariantSummary[]): PanelPoint[] {
  return PANEL_METRICS.flatMap((m) =>
    variants.flatMap((v, order) => {
      const iv = m.of(v);
      if (!iv || iv.n === 0) return [];
      return [
        {
          panel: m.title,
          variant: v.label,
          order,
          median: iv.median,
          lo: iv.lo,
          hi: iv.hi,
          n: iv.n,
          text: formatInterval(iv, { unit: m.unit }),
        },
      ];
    }),
  );
}

/**
 * etcd's side of the cost (raft proposals and WAL fsyncs per second, DB growth per announce window)
 * and the agents' own CPU, one row per variant and one panel per figure, each with its interval.
 */
export function etcdAgentsSpec(run: RunData): Chart {
  const name = 'etcd-agents';
  const title = 'etcd writes, fsyncs, DB growth and agent CPU per variant';
  const points = panelPoints(run.summary.variants);
  if (points.length === 0) return { kind: 'omitted', name, title, reason: msg.noEtcdFigures() };
  const panels = PANEL_METRICS.map((m) => m.title).filter((t) => points.some((p) => p.panel === t));
  const y = {
    field: 'variant',
    type: 'nominal',
    title: null,
    sort: { field: 'order', op: 'min' },
    axis: { labelLimit: 260 },
  } as const;
  const x = { type: 'quantitative', title: null, axis: { format: AMOUNT_FORMAT, tickCount: 4 } } as const;
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        'Per variant, during the announce windows (not net of the baseline): raft proposals committed per second ' +
        '(etcd writes), WAL fsyncs per second, growth of the etcd database file over one window, and the CPU of ' +
        `all announcer agents together. Points: median over repetitions; bars: ${intervalCaption(points.map((p) => p.n))}.`,
    },
    {
      data: { values: points },
      facet: {
        column: {
          field: 'panel',
          type: 'nominal',
          title: null,
          sort: panels,
          header: { labelFontSize: 12, labelLimit: 220 },
        },
      },
      spec: {
        width: 200,
        height: { step: 22 },
        layer: [
          {
            mark: { type: 'rule', color: '#4c78a8' },
            encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
          },
          {
            mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' },
            encoding: {
              y,
              x: { ...x, field: 'median' },
              tooltip: [
                { field: 'variant', title: 'variant' },
                { field: 'panel', title: 'figure' },
                { field: 'text', title: 'measured' },
              ],
            },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    },
  );
}
