import { PhaseName } from '../../harness/results/results-schema.js';
import { msg } from '../messages.js';
import { type Chart, drawnChart, type Layer, type RunData } from './chart.js';
import { cpuRates, downsampleRates } from './cpu-rates.js';

const CONTROL_PLANE = new Set(['kube-apiserver', 'etcd']);
/** Per process line; more points than this are averaged into time buckets. */
export const MAX_POINTS_PER_LINE = 1500;
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
  const phaseDomain = PhaseName.options.filter((p) => phases.some((q) => q.phase === p));
  const x = { type: 'quantitative', title: 'seconds since the run started', scale: { nice: false } } as const;
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
        'CPU-seconds between consecutive samples (about 1 Hz). Shading: the run’s phases.' +
        (averaged ? ` Lines are averaged into at most ${MAX_POINTS_PER_LINE} time buckets each.` : ''),
    },
    {
      width: 760,
      height: 260,
      layer: [
        ...phaseLayer,
        {
          data: { values: lines },
          mark: { type: 'line', strokeWidth: 1.2, interpolate: 'linear' },
          encoding: {
            x: { ...x, field: 'seconds' },
            y: { field: 'millicores', type: 'quantitative', title: 'CPU (mCPU)' },
            stroke: { field: 'series', type: 'nominal', title: 'process' },
            detail: { field: 'variantId' },
            tooltip: [
              { field: 'series', title: 'process' },
              { field: 'seconds', title: 's', format: '.0f' },
              { field: 'millicores', title: 'mCPU', format: '.0f' },
            ],
          },
        },
      ],
      resolve: { scale: { color: 'independent', stroke: 'independent' } },
    },
  );
}
