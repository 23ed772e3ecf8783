import { Gauge, type OpenMetricsContentType, Registry } from 'prom-client';
import type { Summary, VariantSummary } from '../harness/results/results-schema.js';
import { METRICS, metricDef, summaryMetrics } from './metric-names.js';
import { verbName } from './variant-metrics.js';

/** Version of the CSV and OpenMetrics layouts below (a `l2bench_export_info` gauge carries it). */
export const EXPORT_FORMAT_VERSION = 1;

/** Labels every per-variant series carries: enough to plot cost against N × M without the run dir. */
const VARIANT_LABELS = [
  'scenario',
  'run',
  'variant',
  'nodes',
  'services',
  'strategy',
  'implementation',
] as const;

/**
 * An OpenMetrics family for gate metrics: prom-client names, Prometheus base units (seconds, not ms),
 * and how a concrete gate name maps to extra labels. Names here are what dashboards query.
 */
interface Family {
  name: string;
  help: string;
  extraLabels: readonly string[];
  /** Labels and value of a concrete gate metric, or undefined when it is not this family's. */
  match: (gateName: string, value: number) => { labels: Record<string, string>; value: number } | undefined;
}

const exact =
  (gate: string, scale = 1) =>
  (name: string, value: number) =>
    name === gate ? { labels: {}, value: value * scale } : undefined;

const help = (gate: string) => `${metricDef(gate)?.label}: ${metricDef(gate)?.help}`;

/** The exported families, one per gate metric (families of gate names become labels). */
export const FAMILIES: readonly Family[] = [
  {
    name: 'l2bench_cpu_overhead_millicores',
    help: help('cpu.overhead'),
    extraLabels: [],
    match: exact('cpu.overhead'),
  },
  {
    name: 'l2bench_cpu_overhead_node_percent',
    help: help('cpu.overhead.pct'),
    extraLabels: [],
    match: exact('cpu.overhead.pct'),
  },
  {
    name: 'l2bench_cpu_apiserver_overhead_millicores',
    help: help('cpu.apiserver'),
    extraLabels: [],
    match: exact('cpu.apiserver'),
  },
  {
    name: 'l2bench_cpu_etcd_overhead_millicores',
    help: help('cpu.etcd'),
    extraLabels: [],
    match: exact('cpu.etcd'),
  },
  {
    name: 'l2bench_cpu_announcers_millicores',
    help: help('cpu.announcers'),
    extraLabels: [],
    match: exact('cpu.announcers'),
  },
  {
    name: 'l2bench_lease_requests_all_verbs_per_second',
    help: help('requests.total'),
    extraLabels: [],
    match: exact('requests.total'),
  },
  {
    name: 'l2bench_lease_requests_per_second',
    help: help('requests.get'),
    extraLabels: ['verb'],
    match: (name, value) => {
      const m = /^requests\.([a-z]+)$/.exec(name);
      return m && m[1] !== 'total' && m[1] !== 'rel_error'
        ? { labels: { verb: m[1] as string }, value }
        : undefined;
    },
  },
  {
    name: 'l2bench_lease_requests_model_error_percent',
    help: help('requests.rel_error'),
    extraLabels: [],
    match: exact('requests.rel_error'),
  },
  {
    name: 'l2bench_etcd_writes_per_second',
    help: help('etcd.writes'),
    extraLabels: [],
    match: exact('etcd.writes'),
  },
  {
    name: 'l2bench_etcd_fsyncs_per_second',
    help: help('etcd.fsyncs'),
    extraLabels: [],
    match: exact('etcd.fsyncs'),
  },
  {
    name: 'l2bench_etcd_db_growth_bytes',
    help: help('etcd.db_growth'),
    extraLabels: [],
    match: exact('etcd.db_growth'),
  },
  {
    name: 'l2bench_announce_seconds',
    help: help('announce.time'),
    extraLabels: [],
    match: exact('announce.time', 1 / 1000),
  },
  {
    name: 'l2bench_failover_outage_seconds',
    help: 'failover outage seen by the probes (stat: p50, p95 or max of the recovered trials)',
    extraLabels: ['fault', 'stat'],
    match: (name, value) => {
      const m = /^failover\.([a-z-]+)\.(p50|p95|max)$/.exec(name);
      return m ? { labels: { fault: m[1] as string, stat: m[2] as string }, value: value / 1000 } : undefined;
    },
  },
  {
    name: 'l2bench_failover_failed_trials',
    help: help('failover.node-crash.failed'),
    extraLabels: ['fault'],
    match: (name, value) => {
      const m = /^failover\.([a-z-]+)\.failed$/.exec(name);
      return m ? { labels: { fault: m[1] as string }, value } : undefined;
    },
  },
  {
    name: 'l2bench_failover_dual_answering_seconds',
    help: help('failover.node-crash.dualAnsweringMs'),
    extraLabels: ['fault'],
    match: (name, value) => {
      const m = /^failover\.([a-z-]+)\.dualAnsweringMs$/.exec(name);
      return m ? { labels: { fault: m[1] as string }, value: value / 1000 } : undefined;
    },
  },
  {
    name: 'l2bench_failover_dual_answering_trials',
    help: help('dualAnswering'),
    extraLabels: [],
    match: exact('dualAnswering'),
  },
];

/** Gate metrics the export leaves out because another series sums to them. */
const DERIVED = new Set(['failover.failed']);

function variantLabels(summary: Summary, v: VariantSummary): Record<string, string> {
  return {
    scenario: summary.scenario,
    run: summary.runId,
    variant: v.id,
    nodes: String(v.selectedNodes),
    services: String(v.announcedServices),
    strategy: v.strategy,
    implementation: v.implementation,
  };
}

/**
 * A run's summary as OpenMetrics text (prom-client's registry, OpenMetrics content type): one gauge
 * family per gate metric, one series per variant, plus the model's lease request rates and a run
 * info series. No timestamps: the file suits node_exporter's textfile collector as is; the run's
 * time is in `l2bench_run_finished_timestamp_seconds`.
 */
export async function summaryOpenMetrics(summary: Summary): Promise<string> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const gauge = (name: string, helpText: string, labelNames: readonly string[]) =>
    new Gauge({
      name,
      help: helpText,
      labelNames: [...labelNames],
      // prom-client types registers as Prometheus-text registries; the content type only changes output.
      registers: [registry as unknown as Registry],
    });
  const gauges = new Map(
    FAMILIES.map((f) => [f.name, gauge(f.name, f.help, [...VARIANT_LABELS, ...f.extraLabels])]),
  );
  const model = gauge(
    'l2bench_lease_requests_model_per_second',
    'lease requests per second the analytic model predicts, by Kubernetes verb',
    [...VARIANT_LABELS, 'verb'],
  );
  const info = gauge(
    'l2bench_run_info',
    'one series per run: its scenario, backend and whether it finished',
    ['scenario', 'run', 'backend', 'complete', 'l2bench_version', 'export_format_version'],
  );
  const finished = gauge(
    'l2bench_run_finished_timestamp_seconds',
    'when the run finished (started, if it did not)',
    ['scenario', 'run'],
  );
  info.set(
    {
      scenario: summary.scenario,
      run: summary.runId,
      backend: summary.environment.backend,
      complete: String(summary.complete),
      l2bench_version: summary.environment.l2benchVersion,
      export_format_version: String(EXPORT_FORMAT_VERSION),
    },
    1,
  );
  finished.set(
    { scenario: summary.scenario, run: summary.runId },
    Date.parse(summary.finishedAt ?? summary.startedAt) / 1000,
  );
  for (const v of summary.variants) {
    const labels = variantLabels(summary, v);
    for (const [name, value] of summaryMetrics(v)) {
      if (DERIVED.has(name)) continue;
      for (const f of FAMILIES) {
        const hit = f.match(name, value);
        if (hit) gauges.get(f.name)?.set({ ...labels, ...hit.labels }, hit.value);
        if (hit) break;
      }
    }
    for (const r of v.requests)
      if (r.modelPerSecond !== null) model.set({ ...labels, verb: verbName(r.verb) }, r.modelPerSecond);
  }
  return registry.metrics();
}

/** Every exported metric name (what dashboards may query). */
export function exportedMetricNames(): string[] {
  return [
    ...FAMILIES.map((f) => f.name),
    'l2bench_lease_requests_model_per_second',
    'l2bench_run_info',
    'l2bench_run_finished_timestamp_seconds',
  ];
}

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * A run's summary as CSV, one row per variant and metric: the gate name, the report's label, the
 * unit, the value and, where the summary has one, its interval. Long format: spreadsheets pivot it.
 */
export function summaryCsv(summary: Summary): string {
  const header = [
    'scenario',
    'run',
    'variant',
    'label',
    'nodes',
    'services',
    'strategy',
    'metric',
    'metric_label',
    'unit',
    'value',
    'lo',
    'hi',
    'n',
  ];
  const rows = [header];
  for (const v of summary.variants) {
    const intervals = intervalsOf(v);
    for (const [name, value] of summaryMetrics(v)) {
      const def = metricDef(name);
      const iv = intervals.get(name);
      rows.push([
        summary.scenario,
        summary.runId,
        v.id,
        v.label,
        String(v.selectedNodes),
        String(v.announcedServices),
        v.strategy,
        name,
        def?.label ?? '',
        def?.unit ?? '',
        String(value),
        iv ? String(iv.lo) : '',
        iv ? String(iv.hi) : '',
        iv ? String(iv.n) : '',
      ]);
    }
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

function intervalsOf(v: VariantSummary): Map<string, { lo: number; hi: number; n: number }> {
  const out = new Map<string, { lo: number; hi: number; n: number }>();
  const put = (name: string, iv: { lo: number; hi: number; n: number } | null | undefined) => {
    if (iv && iv.n > 0) out.set(name, iv);
  };
  put('cpu.overhead', v.cpu.controlPlaneOverheadMillicores);
  put('cpu.overhead.pct', v.cpu.controlPlaneOverheadPctOfNode);
  put('cpu.apiserver', v.cpu.apiserverOverheadMillicores);
  put('cpu.etcd', v.cpu.etcdOverheadMillicores);
  put('cpu.announcers', v.cpu.announcersMillicores);
  put('requests.total', v.requestsTotal?.measuredPerSecond);
  for (const r of v.requests) put(`requests.${verbName(r.verb)}`, r.measuredPerSecond);
  put('etcd.writes', v.etcd.writesPerSecond);
  put('etcd.fsyncs', v.etcd.fsyncsPerSecond);
  put('etcd.db_growth', v.etcd.dbSizeGrowthBytes);
  return out;
}

/** Gate metrics that have an export family, for the test that keeps the two tables together. */
export function exportedGateMetrics(): string[] {
  return METRICS.map((m) => m.name).filter((n) => !DERIVED.has(n));
}
