import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from '../../harness/results/results-schema.js';
import { formatInterval, intervalCaption } from '../format-interval.js';
import { AMOUNT_FORMAT, chartConfig } from './chart.js';

/** One variant of one run on a scenario's trend chart. */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  variant: string;
  median: number;
  lo: number;
  hi: number;
  n: number;
  text: string;
}

/** Control-plane overhead of every variant (by label) of every run of one scenario, oldest run first. */
export function trendPoints(summaries: readonly Summary[]): TrendPoint[] {
  return [...summaries]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .flatMap((s) =>
      s.variants
        .filter((v) => v.cpu.controlPlaneOverheadMillicores.n > 0)
        .map((v) => {
          const iv = v.cpu.controlPlaneOverheadMillicores;
          return {
            runId: s.runId,
            startedAt: s.startedAt,
            variant: v.label,
            median: iv.median,
            lo: iv.lo,
            hi: iv.hi,
            n: iv.n,
            text: formatInterval(iv, { unit: 'mCPU' }),
          };
        }),
    );
}

/**
 * The trend of one scenario across published runs: each variant's control-plane CPU overhead (median
 * and interval) at its run's start time, one colour per variant label. Null when no run has an overhead.
 */
export function trendSpec(scenario: string, summaries: readonly Summary[]): TopLevelSpec | null {
  const points = trendPoints(summaries);
  if (points.length === 0) return null;
  const runs = new Set(points.map((p) => p.runId)).size;
  const x = {
    field: 'startedAt',
    type: 'temporal',
    title: 'run started (UTC)',
    axis: { format: '%Y-%m-%d %H:%M', labelAngle: -30 },
  } as const;
  // No label limit: this chart is only drawn headless, where vega overestimates text widths.
  const color = { field: 'variant', type: 'nominal', title: 'variant', legend: { labelLimit: 0 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${scenario}: control-plane CPU overhead across runs`,
      subtitle: `${runs} run${runs === 1 ? '' : 's'}; points: median per variant, bars: ${intervalCaption(points.map((p) => p.n))}`,
    },
    width: 560,
    height: 220,
    data: { values: points },
    encoding: { x, color },
    layer: [
      { mark: { type: 'line', opacity: 0.5 }, encoding: { y: { field: 'median', type: 'quantitative' } } },
      { mark: { type: 'rule' }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y: {
            field: 'median',
            type: 'quantitative',
            title: 'overhead (mCPU)',
            axis: { format: AMOUNT_FORMAT },
          },
          tooltip: [
            { field: 'runId', title: 'run' },
            { field: 'variant', title: 'variant' },
            { field: 'text', title: 'overhead' },
          ],
        },
      },
    ],
    config: chartConfig,
  };
}
