import type { TopLevelSpec } from 'vega-lite';
import type { Config } from 'vega-lite/types_unstable/config.js';
import type { Environment, VariantSummary } from '../../harness/results/results-schema.js';
import type { RunResults } from '../load-results.js';

/** What a spec function reads: a loaded run without its location and warnings. */
export type RunData = Pick<
  RunResults,
  'summary' | 'environment' | 'cpuSamples' | 'phases' | 'windows' | 'trials'
>;

/** One layer of a layered vega-lite spec (derived from TopLevelSpec, which does not export it by name). */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** A chart that has data: its vega-lite spec and the caption printed under it. */
export interface DrawnChart {
  kind: 'chart';
  /** File-name stem: `charts/<name>.svg`. */
  name: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** A chart left out of the report, with the sentence that says why. */
export interface OmittedChart {
  kind: 'omitted';
  name: string;
  title: string;
  reason: string;
}

export type Chart = DrawnChart | OmittedChart;

/** Shared look: left-aligned titles, a grey subtitle carrying the measurement context. */
export const chartConfig: Config = {
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 260 },
  view: { stroke: '#ddd' },
};

/** `8 cores, Intel(R) Xeon(R) …, kube-apiserver v1.32.13`: the machine line every caption carries. */
export function machineText(env: Environment): string {
  const apiserver = env.tools.find((t) => t.name === 'kube-apiserver');
  const version = apiserver ? `kube-apiserver ${apiserver.version}` : 'kube-apiserver version not recorded';
  return `${env.cores} cores, ${env.cpuModel.trim()}, ${version}`;
}

/** `20 s windows, 3 repetitions per variant` (ranges when variants differ). */
export function windowsText(variants: readonly VariantSummary[]): string {
  const windows = range(variants.map((v) => v.windowSeconds));
  const reps = range(variants.map((v) => v.repetitions));
  const plural = reps === '1' ? 'repetition' : 'repetitions';
  return `${windows} s windows, ${reps} ${plural} per variant`;
}

function range(values: readonly number[]): string {
  if (values.length === 0) return '?';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

/** What a spec function knows about its chart besides the vega-lite body. */
export interface ChartFrame {
  name: string;
  title: string;
  /** First sentence(s) of the caption: what was measured and how to read the marks. */
  measured: string;
  /** Context line for the subtitle instead of windows and repetitions (which the caption keeps). */
  context?: string;
  /** Sentences appended to the caption (e.g. trials that could not be plotted). */
  extra?: readonly string[];
}

/**
 * Wraps a vega-lite body into a top-level spec with title, subtitle (context and machine),
 * `description` (the caption, used as the SVG's ARIA description) and `usermeta.caption`.
 */
export function drawnChart(run: RunData, frame: ChartFrame, body: TopLevelSpec): DrawnChart {
  const windows = windowsText(run.summary.variants);
  const context = frame.context ?? windows;
  const machine = `Machine: ${machineText(run.environment)}`;
  const sentences = [
    frame.measured,
    ...(frame.context ? [`${frame.context}.`] : []),
    `Run: ${windows}.`,
    `${machine}.`,
  ];
  const caption = [...sentences, ...(frame.extra ?? [])].join(' ');
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...body,
    title: { text: frame.title, subtitle: [context, machine] },
    description: caption,
    usermeta: { chart: frame.name, caption },
    config: chartConfig,
  };
  return { kind: 'chart', name: frame.name, title: frame.title, caption, spec };
}

/** The lease setting as `15/5/2 s` (duration / renew deadline / retry period). */
export function leaseText(v: VariantSummary): string {
  // MetalLB elects without a Lease: the scenario's timers do not apply to it.
  if (v.implementation.startsWith('metallb')) return 'no Lease (memberlist)';
  return `${[v.leaseDurationMs, v.renewDeadlineMs, v.retryPeriodMs].map((ms) => ms / 1000).join('/')} s`;
}

/** What decides which node announces a service, for a variant's implementation and strategy. */
export function whoDecides(v: VariantSummary): string {
  if (v.implementation.startsWith('metallb')) return 'memberlist and a hash of node and service';
  if (v.implementation === 'kube-vip services-lease') return 'one Lease for all services';
  if (v.implementation.startsWith('kube-vip')) return 'a Lease per service';
  if (v.strategy === 'node-lease') return 'node Leases and a hash';
  if (v.strategy.startsWith('sharded')) return 'a Lease per bucket of services';
  return 'a Lease per service';
}

const CONFIG_PARTS: readonly { name: string; of: (v: VariantSummary) => string }[] = [
  { name: 'lease', of: (v) => `lease ${leaseText(v)}` },
  { name: 'strategy', of: (v) => v.strategy },
  { name: 'implementation', of: (v) => v.implementation },
  { name: 'renewMode', of: (v) => `renew ${v.renewMode}` },
  { name: 'selection', of: (v) => `selection ${v.selection}` },
];

/**
 * The parts of a variant's configuration (lease setting, strategy, implementation, renew mode,
 * selection) that differ between the given variants, joined with `, `; empty when all agree.
 * Used to keep lines of different configurations apart without cluttering the common case.
 */
export function configText(v: VariantSummary, all: readonly VariantSummary[]): string {
  return CONFIG_PARTS.filter((p) => new Set(all.map(p.of)).size > 1)
    .map((p) => p.of(v))
    .join(', ');
}

/**
 * d3 formats for axes. Counts and amounts: three significant digits, trailing zeros trimmed, thousands
 * separated (`2`, `0.2`, `1,500`): never `2.000000` when the domain is one value, and no SI `m` that
 * would read as milli-mCPU.
 */
export const COUNT_FORMAT = ',.3~r';
/** Millicores, requests/s, bytes: see {@link COUNT_FORMAT}. */
export const AMOUNT_FORMAT = ',.3~r';
/** Seconds and percentages: at most one decimal, trailing zeros dropped. */
export const DECIMAL_FORMAT = '.1~f';

/** The README's model names: N elected services, M candidate nodes. */
export const N_SERVICES = 'N (announced services)';
export const M_NODES = 'M (candidate nodes)';

/** Linear unless all values are positive and span two orders of magnitude (service sweeps 10…1000). */
export function scaleTypeFor(values: readonly number[]): 'linear' | 'log' {
  if (values.length === 0 || values.some((x) => x <= 0)) return 'linear';
  return Math.max(...values) / Math.min(...values) >= 100 ? 'log' : 'linear';
}
