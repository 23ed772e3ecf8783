import type { Interval, VariantSummary } from '../../harness/results/results-schema.js';
import { formatInterval, intervalCaption } from '../format-interval.js';
import { msg } from '../messages.js';
import {
  AMOUNT_FORMAT,
  type Chart,
  COUNT_FORMAT,
  configText,
  DECIMAL_FORMAT,
  drawnChart,
  M_NODES,
  N_SERVICES,
  type RunData,
  scaleTypeFor,
} from './chart.js';

/** `millicores`: absolute; `pct-of-node`: as % of a K-core node (K = summary.coresK). */
export type OverheadUnit = 'millicores' | 'pct-of-node';

/** One point of the overhead chart. */
export interface OverheadPoint {
  series: string;
  nodes: number;
  services: number;
  median: number;
  lo: number;
  hi: number;
  n: number;
  variant: string;
  text: string;
}

/** The points of the overhead chart: one per variant with a measured overhead (n > 0). */
export function overheadPoints(variants: readonly VariantSummary[], unit: OverheadUnit): OverheadPoint[] {
  const pick = (v: VariantSummary): Interval =>
    unit === 'millicores' ? v.cpu.controlPlaneOverheadMillicores : v.cpu.controlPlaneOverheadPctOfNode;
  return variants
    .filter((v) => pick(v).n > 0)
    .map((v) => {
      const iv = pick(v);
      const config = configText(v, variants);
      return {
        series: `M=${v.selectedNodes}${config ? `, ${config}` : ''}`,
        nodes: v.selectedNodes,
        services: v.announcedServices,
        median: iv.median,
        lo: iv.lo,
        hi: iv.hi,
        n: iv.n,
        variant: v.label,
        text: formatInterval(iv, { unit: unit === 'millicores' ? 'mCPU' : '%' }),
      };
    })
    .sort((a, b) => a.series.localeCompare(b.series) || a.services - b.services);
}

/**
 * Control-plane CPU overhead (kube-apiserver + etcd, announce − baseline, paired per repetition)
 * against the number of announced services: one line per node count, the band and bars spanning
 * each variant's 95% interval. Omitted when no variant has an overhead.
 */
export function cpuOverheadSpec(run: RunData, unit: OverheadUnit): Chart {
  const k = run.summary.coresK;
  const name = unit === 'millicores' ? 'cpu-overhead-millicores' : 'cpu-overhead-pct-of-node';
  const title =
    unit === 'millicores'
      ? 'Control-plane CPU overhead vs announced services'
      : `Control-plane CPU overhead as % of a ${k}-core node`;
  const points = overheadPoints(run.summary.variants, unit);
  if (points.length === 0) return { kind: 'omitted', name, title, reason: msg.noCpuOverhead() };
  const yTitle = unit === 'millicores' ? 'overhead (mCPU)' : `overhead (% of a ${k}-core node)`;
  const x = {
    field: 'services',
    type: 'quantitative',
    title: N_SERVICES,
    scale: { type: scaleTypeFor(points.map((p) => p.services)) },
    axis: { format: COUNT_FORMAT, tickMinStep: 1 },
  } as const;
  const severalSettings = points.some((p) => p.series.includes(','));
  // The band layer would lend the legend its 15% opacity; draw legend symbols as solid strokes.
  const color = {
    field: 'series',
    type: 'nominal',
    title: severalSettings ? `${M_NODES} and setting` : M_NODES,
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2.5 },
  } as const;
  const tooltip = [
    { field: 'variant', title: 'variant' },
    { field: 'services', title: 'N (services)' },
    { field: 'nodes', title: 'M (nodes)' },
    { field: 'text', title: 'overhead' },
  ];
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        `CPU used by kube-apiserver + etcd while services were announced, minus the baseline window of the same repetition` +
        `${unit === 'pct-of-node' ? `, as a percentage of a ${k}-core node (${k * 1000} mCPU)` : ''}. ` +
        `Line: median over repetitions; band and bars: ${intervalCaption(points.map((p) => p.n))}. ` +
        'One line per number of candidate nodes M' +
        `${severalSettings ? ' and setting that differs between variants' : ''}; hover a point for its variant.`,
    },
    {
      width: 480,
      height: 300,
      data: { values: points },
      encoding: { x },
      layer: [
        {
          mark: { type: 'area', opacity: 0.15 },
          encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
        },
        {
          mark: { type: 'rule' },
          encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
        },
        {
          params: [{ name: 'pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' }],
          mark: { type: 'line', point: { filled: true, size: 60 } },
          encoding: {
            y: {
              field: 'median',
              type: 'quantitative',
              title: yTitle,
              axis: { format: unit === 'millicores' ? AMOUNT_FORMAT : DECIMAL_FORMAT },
            },
            color,
            opacity: { condition: { param: 'pick', value: 1 }, value: 0.25 },
            tooltip,
          },
        },
      ],
    },
  );
}
