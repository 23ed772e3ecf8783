import { msg } from '../messages.js';
import { AMOUNT_FORMAT, type Chart, drawnChart, type Layer, type RunData } from './chart.js';
import { cpuRates, downsampleRates } from './cpu-rates.js';

const CONTROL_PLANE = new Set(['kube-apiserver', 'etcd']);
/** Per process line; more points than this are averaged into time buckets. */
export const MAX_POINTS_PER_LINE = 1500;
/** Phases in the order a variant goes through them, which is the legend's order. */
const PHASE_ORDER = ['setup', 'warmup', 'baseline', 'announce', 'fault'] as const;
const WIDTH = 1000;
/** Headroom above the highest line for the variant labels. */
const LABEL_HEADROOM = 1.2;
const PHASE_COLORS: Record<string, string> = {
  setup: '#e0e0e0',
  warmup: '#fff2b3',
  baseline: '#cfe3f7',
  announce: '#d5f0cf',
  fault: '#f9d0cd',
};

/**
 * Control-plane CPU (kube-apiserver and etcd, millicores from cumulative CPU-seconds samples) over
 * the run, with the run's phases (baseline, announce, fault, …) shaded behind the lines.
 */
export function cpuTimeseriesSpec(run: RunData): Chart {
  const name = 'cpu-timeseries';
  const title = 'Control-plane CPU over time';
  const rates = cpuRates(run.cpuSamples, CONTROL_PLANE);
  if (rates.length === 0) return { kind: 'omitted', name, title, reason: msg.noCpuSamples() };
  const startMs = Math.min(...run.cpuSamples.map((s) => s.tMs), ...run.phases.map((p) => p.startMs));
  const drawn = downsampleRates(rates, MAX_POINTS_PER_LINE);
  const averaged = drawn.length < rates.length;
  const lines = drawn.map((r) => ({
    series: r.node ? `${r.role} (${r.node})` : r.role,
    variantId: r.variantId,
    seconds: (r.tMs - startMs) / 1000,
    millicores: r.millicores,
  }));
  const phases = run.phases.map((p) => ({
    phase: p.phase,
    label: p.label,
    variantId: p.variantId,
    start: (p.startMs - startMs) / 1000,
    end: (p.endMs - startMs) / 1000,
  }));
  const phaseDomain: string[] = PHASE_ORDER.filter((p) => phases.some((q) => q.phase === p));
  for (const p of phases) if (!phaseDomain.includes(p.phase)) phaseDomain.push(p.phase);
  const endSeconds = Math.max(...lines.map((l) => l.seconds), ...phases.map((p) => p.end));
  const blocks = variantBlocks(run, phases, lines, endSeconds);
  const yMax = Math.max(...lines.map((l) => l.millicores)) * LABEL_HEADROOM;
  const x = {
    type: 'quantitative' as const,
    title: 'seconds since the run started',
    scale: { nice: false, domain: [0, endSeconds] },
    axis: { format: ',.0f' },
  };
  const phaseLayer: Layer[] =
    phases.length === 0
      ? []
      : [
          {
            data: { values: phases },
            mark: { type: 'rect', opacity: 0.7 },
            encoding: {
              x: { ...x, field: 'start' },
              x2: { field: 'end' },
              color: {
                field: 'phase',
                type: 'nominal',
                title: 'phase',
                scale: { domain: phaseDomain, range: phaseDomain.map((p) => PHASE_COLORS[p] ?? '#eee') },
              },
              tooltip: [
                { field: 'label', title: 'phase' },
                { field: 'variantId', title: 'variant' },
              ],
            },
          },
        ];
  return drawnChart(
    run,
    {
      name,
      title,
      measured:
        'CPU of kube-apiserver and etcd over the whole run, in millicores: the change of each process’s cumulative ' +
        'CPU-seconds between consecutive samples (about 1 Hz). Shading: the run’s phases; dashed rules and labels at the top: ' +
        'where each variant begins (hover a block for its variant).' +
        (averaged ? ` Lines are averaged into at most ${MAX_POINTS_PER_LINE} time buckets each.` : ''),
    },
    {
      width: WIDTH,
      height: 260,
      layer: [
        ...phaseLayer,
        {
          data: { values: lines },
          mark: { type: 'line', strokeWidth: 1.2, interpolate: 'linear' },
          encoding: {
            x: { ...x, field: 'seconds' },
            y: {
              field: 'millicores',
              type: 'quantitative',
              title: 'CPU (mCPU)',
              scale: { domain: [0, yMax], nice: false },
              axis: { format: AMOUNT_FORMAT },
            },
            stroke: { field: 'series', type: 'nominal', title: 'process' },
            detail: { field: 'variantId' },
            tooltip: [
              { field: 'series', title: 'process' },
              { field: 'variantId', title: 'variant' },
              { field: 'seconds', title: 's', format: '.0f' },
              { field: 'millicores', title: 'mCPU', format: '.0f' },
            ],
          },
        },
        {
          data: { values: blocks },
          mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
          encoding: { x: { ...x, field: 'start' } },
        },
        {
          data: { values: blocks },
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: 3, fontSize: 10, color: '#222' },
          encoding: {
            x: { ...x, field: 'start' },
            text: { field: 'text' },
            tooltip: [{ field: 'variant', title: 'variant' }],
          },
        },
      ],
      resolve: { scale: { color: 'independent', stroke: 'independent' } },
    },
  );
}

/** Where one variant's samples and phases lie on the time axis, with the label drawn there. */
interface VariantBlock {
  variantId: string;
  variant: string;
  start: number;
  end: number;
  /** The label, cut to what fits the block's width (about 6 px a character at 10 px). */
  text: string;
}

function variantBlocks(
  run: RunData,
  phases: readonly { variantId: string; start: number; end: number }[],
  lines: readonly { variantId: string; seconds: number }[],
  endSeconds: number,
): VariantBlock[] {
  return run.summary.variants.flatMap((v) => {
    const times = [
      ...phases.filter((p) => p.variantId === v.id).flatMap((p) => [p.start, p.end]),
      ...lines.filter((l) => l.variantId === v.id).map((l) => l.seconds),
    ];
    if (times.length === 0) return [];
    const start = Math.min(...times);
    const end = Math.max(...times);
    const full = `${/^v\d+/.exec(v.id)?.[0] ?? v.id} ${v.label}`;
    const chars = Math.floor((((end - start) / Math.max(endSeconds, 1)) * WIDTH - 6) / 5.6);
    const text = full.length <= chars ? full : chars >= v.id.length + 2 ? `${full.slice(0, chars - 1)}…` : '';
    return [{ variantId: v.id, variant: v.label, start, end, text }];
  });
}
