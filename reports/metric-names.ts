import { FAULT_KINDS, type VariantSummary } from '../harness/results/results-schema.js';
import { verbName } from './variant-metrics.js';

/** Base units of gate metrics; a gate's value is written in these or with a suffix of {@link UNIT_SUFFIXES}. */
export type MetricUnit = 'mCPU' | '%' | '/s' | 'ms' | 'count' | 'bytes';

/** Suffixes a gate value may carry per unit, with the factor to the base unit ('' = the base unit). */
export const UNIT_SUFFIXES: Record<MetricUnit, Record<string, number>> = {
  mCPU: { '': 1, m: 1, mcpu: 1 },
  '%': { '': 1, '%': 1 },
  '/s': { '': 1, '/s': 1 },
  ms: { '': 1, ms: 1, s: 1000 },
  count: { '': 1 },
  bytes: { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 },
};

/**
 * One gate metric: its name as gates, exports and the report use it, the report's label, its unit.
 * Names with `<verb>` or `<fault>` stand for a family (`requests.get`, `failover.node-crash.p95`).
 */
export interface MetricDef {
  name: string;
  /** What the report calls it (column, chart axis or table row). */
  label: string;
  unit: MetricUnit;
  help: string;
}

const FAULTS = FAULT_KINDS.join('|');

/**
 * The metric-name table: the one list gates (`compare --fail-if`, `run --fail-if`, scenario
 * `thresholds:`), the OpenMetrics/CSV export and the report's labels share. Each value is the
 * variant's summary figure (the median of its repetitions, or the quantile of its trials).
 */
export const METRICS: readonly MetricDef[] = [
  {
    name: 'cpu.overhead',
    label: 'CPU overhead',
    unit: 'mCPU',
    help: 'kube-apiserver + etcd CPU, announce − baseline window',
  },
  {
    name: 'cpu.overhead.pct',
    label: '% of a K-core node',
    unit: '%',
    help: 'cpu.overhead as % of a coresK-core node',
  },
  {
    name: 'cpu.apiserver',
    label: 'kube-apiserver overhead',
    unit: 'mCPU',
    help: 'kube-apiserver CPU, announce − baseline',
  },
  { name: 'cpu.etcd', label: 'etcd overhead', unit: 'mCPU', help: 'etcd CPU, announce − baseline' },
  {
    name: 'cpu.announcers',
    label: 'agent CPU',
    unit: 'mCPU',
    help: 'all announcer agents together, announce window',
  },
  {
    name: 'requests.total',
    label: 'lease requests (all verbs)',
    unit: '/s',
    help: 'lease requests per second, net of the baseline',
  },
  {
    name: 'requests.<verb>',
    label: 'lease requests by verb (get, update = PUT, create = POST, watch)',
    unit: '/s',
    help: 'lease requests of one Kubernetes verb per second, net of the baseline',
  },
  {
    name: 'requests.rel_error',
    label: 'lease requests vs model',
    unit: '%',
    help: '|measured − model| / model of all lease requests, in %',
  },
  {
    name: 'etcd.writes',
    label: 'etcd writes',
    unit: '/s',
    help: 'raft proposals committed per second, announce window',
  },
  { name: 'etcd.fsyncs', label: 'etcd fsyncs', unit: '/s', help: 'WAL fsyncs per second, announce window' },
  {
    name: 'etcd.db_growth',
    label: 'etcd DB growth',
    unit: 'bytes',
    help: 'etcd DB size growth over an announce window',
  },
  {
    name: 'announce.time',
    label: 'announce time',
    unit: 'ms',
    help: 'creating the services until every VIP answered',
  },
  {
    name: `failover.<${FAULTS}>.p50`,
    label: 'failover outage p50',
    unit: 'ms',
    help: 'outage seen by the probes, median of recovered trials',
  },
  {
    name: `failover.<${FAULTS}>.p95`,
    label: 'failover outage p95',
    unit: 'ms',
    help: 'outage seen by the probes, p95 of recovered trials',
  },
  {
    name: `failover.<${FAULTS}>.max`,
    label: 'failover outage max',
    unit: 'ms',
    help: 'longest outage of recovered trials',
  },
  {
    name: `failover.<${FAULTS}>.dualAnsweringMs`,
    label: 'two nodes answering, longest',
    unit: 'ms',
    help: 'longest time two nodes answered ARP for one VIP in a trial of this fault (from the wire)',
  },
  {
    name: `failover.<${FAULTS}>.failed`,
    label: 'never recovered',
    unit: 'count',
    help: 'trials whose service never came back',
  },
  {
    name: 'failover.failed',
    label: 'never recovered (all faults)',
    unit: 'count',
    help: 'trials of any fault whose service never came back',
  },
  {
    name: 'dualAnswering',
    label: 'two nodes answering',
    unit: 'count',
    help: 'trials in which two nodes answered for the VIP',
  },
];

/** The names gates accept, for "known: …" messages. */
export const KNOWN_METRICS: string = METRICS.map((m) => m.name).join(', ');

const FAMILY = new RegExp(`^failover\\.(${FAULTS})\\.(p50|p95|max|dualAnsweringMs|failed)$`);

/** The definition a concrete metric name (`requests.get`, `failover.node-crash.p95`) belongs to. */
export function metricDef(name: string): MetricDef | undefined {
  const exact = METRICS.find((m) => m.name === name && !m.name.includes('<'));
  if (exact) return exact;
  const f = FAMILY.exec(name);
  if (f) return METRICS.find((m) => m.name === `failover.<${FAULTS}>.${f[2]}`);
  if (/^requests\.[a-z]+$/.test(name)) return METRICS.find((m) => m.name === 'requests.<verb>');
  return undefined;
}

/**
 * The concrete metrics of one variant's summary, by name: what run thresholds check and what
 * the export writes. Figures the variant lacks (no faults, no baseline) are absent, not 0.
 */
export function summaryMetrics(v: VariantSummary): Map<string, number> {
  const out = new Map<string, number>();
  const put = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) out.set(name, value);
  };
  const iv = (i: { median: number; n: number } | null | undefined) => (i && i.n > 0 ? i.median : null);
  put('cpu.overhead', iv(v.cpu.controlPlaneOverheadMillicores));
  put('cpu.overhead.pct', iv(v.cpu.controlPlaneOverheadPctOfNode));
  put('cpu.apiserver', iv(v.cpu.apiserverOverheadMillicores));
  put('cpu.etcd', iv(v.cpu.etcdOverheadMillicores));
  put('cpu.announcers', iv(v.cpu.announcersMillicores));
  put('requests.total', iv(v.requestsTotal?.measuredPerSecond));
  for (const r of v.requests) put(`requests.${verbName(r.verb)}`, iv(r.measuredPerSecond));
  const relErrors =
    v.requestsTotal?.relativeError != null
      ? [v.requestsTotal.relativeError]
      : v.requests.flatMap((r) => (r.relativeError === null ? [] : [r.relativeError]));
  if (relErrors.length > 0) put('requests.rel_error', Math.max(...relErrors.map(Math.abs)) * 100);
  put('etcd.writes', iv(v.etcd.writesPerSecond));
  put('etcd.fsyncs', iv(v.etcd.fsyncsPerSecond));
  put('etcd.db_growth', iv(v.etcd.dbSizeGrowthBytes));
  put('announce.time', v.announceTimeMs);
  let failed = 0;
  let dual = 0;
  for (const f of v.failover) {
    put(`failover.${f.fault}.p50`, f.outageMs.p50);
    put(`failover.${f.fault}.p95`, f.outageMs.p95);
    put(`failover.${f.fault}.max`, f.outageMs.max);
    put(`failover.${f.fault}.dualAnsweringMs`, f.dualAnsweringMs?.max);
    put(`failover.${f.fault}.failed`, f.failedTrials);
    failed += f.failedTrials;
    dual += f.dualAnsweringTrials;
  }
  if (v.failover.length > 0) {
    put('failover.failed', failed);
    put('dualAnswering', dual);
  }
  return out;
}
