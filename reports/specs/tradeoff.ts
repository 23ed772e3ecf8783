import type { VariantSummary } from '../../harness/run/results-schema.js';
import { formatDurationMs, formatInterval } from '../format-interval.js';
import { msg } from '../messages.js';
import { type Chart, configText, drawnChart, leaseText, type RunData } from './chart.js';
import { paretoFrontier } from './pareto-frontier.js';

export const ON_FRONTIER = 'on the Pareto frontier';
export const DOMINATED = 'dominated';

/** One variant under one fault kind: what it costs and how fast it fails over. */
export interface TradeoffPoint {
  fault: string;
  variant: string;
  /** Short label drawn next to frontier points. */
  short: string;
  overhead: number;
  overheadLo: number;
  overheadHi: number;
  p95Seconds: number;
  trials: number;
  position: typeof ON_FRONTIER | typeof DOMINATED;
  /** Whether the text layer labels this point (the first frontier point of each variant). */
  labelled: boolean;
  overheadText: string;
  p95Text: string;
}

/**
 * Points for the trade-off chart, with the Pareto frontier (lower overhead and lower p95 are both
 * better) computed per fault kind on the point estimates.
 */
export function tradeoffPoints(variants: readonly VariantSummary[]): TradeoffPoint[] {
  const raw: Omit<TradeoffPoint, 'position' | 'labelled'>[] = variants.flatMap((v) => {
    const cpu = v.cpu.controlPlaneOverheadMillicores;
    if (cpu.n === 0) return [];
    const config = configText(v, variants);
    return v.failover.flatMap((f) =>
      f.outageMs.p95 === null
        ? []
        : [
            {
              fault: f.fault,
              variant: v.label,
              short: config || `lease ${leaseText(v)}`,
              overhead: cpu.median,
              overheadLo: cpu.lo,
              overheadHi: cpu.hi,
              p95Seconds: f.outageMs.p95 / 1000,
              trials: f.outageMs.n,
              overheadText: formatInterval(cpu, { unit: 'mCPU' }),
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
    const label = on && !labelled.has(p.variant);
    if (label) labelled.add(p.variant);
    return { ...p, position: on ? ON_FRONTIER : DOMINATED, labelled: label };
  });
}

/**
 * CPU overhead (x, with its interval) against failover p95 (y) for every variant and fault kind;
 * the Pareto frontier per fault kind is joined by a line and drawn as diamonds.
 */
export function tradeoffSpec(run: RunData): Chart {
  const name = 'tradeoff';
  const title = 'Trade-off: control-plane CPU overhead vs failover p95';
  const points = tradeoffPoints(run.summary.variants);
  if (points.length === 0) return { kind: 'omitted', name, title, reason: msg.noTradeoff() };
  const x = { field: 'overhead', type: 'quantitative', title: 'control-plane CPU overhead (mCPU)' } as const;
  const y = { field: 'p95Seconds', type: 'quantitative', title: 'failover outage p95 (s)' } as const;
  const color = { field: 'fault', type: 'nominal', title: 'fault kind' } as const;
  const trials = points.map((p) => p.trials);
  const lo = Math.min(...trials);
  const hi = Math.max(...trials);
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        'Each point is one variant (lease setting, strategy, implementation) under one fault kind: ' +
        'median control-plane CPU overhead (bars: 95% interval) against the p95 of the outage seen by probes. ' +
        'Diamonds joined by a line: the Pareto frontier (nothing is both cheaper and faster), computed on the point estimates; ' +
        'where intervals overlap, the ordering along the frontier is not established.',
      extra: [`p95 over ${lo === hi ? lo : `${lo}–${hi}`} recovered trials per point (no interval).`],
    },
    {
      width: 480,
      height: 320,
      data: { values: points },
      encoding: { color },
      layer: [
        {
          mark: { type: 'rule', opacity: 0.6 },
          encoding: { x: { ...x, field: 'overheadLo' }, x2: { field: 'overheadHi' }, y },
        },
        {
          transform: [{ filter: { field: 'position', equal: ON_FRONTIER } }],
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: { x, y, order: { field: 'overhead' } },
        },
        {
          mark: { type: 'point', filled: true, opacity: 0.9 },
          encoding: {
            x,
            y,
            shape: {
              field: 'position',
              type: 'nominal',
              title: null,
              scale: { domain: [ON_FRONTIER, DOMINATED], range: ['diamond', 'circle'] },
            },
            size: { condition: { test: `datum.position === '${ON_FRONTIER}'`, value: 110 }, value: 45 },
            tooltip: [
              { field: 'variant', title: 'variant' },
              { field: 'fault', title: 'fault' },
              { field: 'overheadText', title: 'CPU overhead' },
              { field: 'p95Text', title: 'outage p95' },
              { field: 'position', title: 'position' },
            ],
          },
        },
        {
          transform: [{ filter: 'datum.labelled' }],
          mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
          encoding: { x, y, text: { field: 'short' } },
        },
      ],
    },
  );
}
