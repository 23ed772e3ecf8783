import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../harness/paths.js';
import { Summary } from '../harness/results/results-schema.js';
import {
  exportedGateMetrics,
  exportedMetricNames,
  FAMILIES,
  summaryCsv,
  summaryOpenMetrics,
} from './export-metrics.js';
import { summaryMetrics } from './metric-names.js';

const fixture = (): Summary =>
  Summary.parse(JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/results-small/summary.json'), 'utf8')));

const hasPromtool = spawnSync('sh', ['-c', 'command -v promtool']).status === 0;

// CI installs promtool (Debian's prometheus package, .ci/run and pretest); there a missing one fails.
test('the OpenMetrics export passes promtool check metrics', {
  skip:
    !hasPromtool && process.env.CI !== 'true' ? 'promtool not installed (apt-get install prometheus)' : false,
}, async () => {
  assert.ok(hasPromtool, 'promtool not found: apt-get install prometheus');
  const text = await summaryOpenMetrics(fixture());
  assert.match(text, /# EOF\n$/);
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
});

test('the export carries every figure of the summary, in Prometheus base units', async () => {
  const s = fixture();
  const text = await summaryOpenMetrics(s);
  const v = s.variants[0]!;
  const figures = summaryMetrics(v);
  const series = (name: string, extra = '') =>
    new RegExp(`^${name}\\{[^}]*variant="${v.id}"[^}]*${extra}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1];
  assert.equal(Number(series('l2bench_cpu_overhead_millicores')), figures.get('cpu.overhead'));
  assert.equal(
    Number(series('l2bench_lease_requests_per_second', 'verb="update"')),
    figures.get('requests.update'),
  );
  assert.equal(
    Number(series('l2bench_failover_outage_seconds', 'fault="node-crash",stat="p95"')),
    (figures.get('failover.node-crash.p95') ?? Number.NaN) / 1000,
  );
  assert.equal(Number(series('l2bench_lease_requests_model_per_second', 'verb="get"')), 8.5);
  assert.match(
    text,
    /^l2bench_run_info\{scenario="tiny",run="20261125T040249Z-tiny",backend="local",complete="true"/m,
  );
});

test('every gate metric has an export family, and each family is named once', () => {
  // A family name (`failover.<node-crash|…>.p95`) checked through one concrete member of each fault.
  const concrete = (name: string) =>
    /^failover\.<([^>]+)>\.(\w+)$/.exec(name)?.[1]!.split('|').map((f) => name.replace(/<[^>]+>/, f)) ??
    [name.replace('<verb>', 'get')];
  for (const name of exportedGateMetrics()) {
    for (const c of concrete(name))
      assert.ok(
        FAMILIES.some((f) => f.match(c, 1)),
        `${c} has no OpenMetrics family`,
      );
  }
  assert.equal(new Set(exportedMetricNames()).size, exportedMetricNames().length);
});

test('CSV: one row per variant and metric, with the report label and interval', () => {
  const lines = summaryCsv(fixture()).trimEnd().split('\n');
  assert.equal(
    lines[0],
    'scenario,run,variant,label,nodes,services,strategy,metric,metric_label,unit,value,lo,hi,n',
  );
  const overhead = lines.find((l) => l.includes(',cpu.overhead,'));
  assert.match(
    overhead ?? '',
    /^tiny,20261125T040249Z-tiny,v01-base,base,2,2,per-service,cpu\.overhead,CPU overhead,mCPU,63\.49\d*,59\.99\d*,66\.99\d*,2$/,
  );
  assert.ok(lines.some((l) => l.includes(',"% of a K-core node",') || l.includes(',% of a K-core node,')));
});

/** Metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or durations. */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'and', 'or', 'unless', 'bool', 'offset']);
  return [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !keywords.has(m[1] as string) && !/^e\d/.test(m[1] as string))
    .map((m) => m[1] as string);
}

function dashboardExprs(file: string): string[] {
  const d = JSON.parse(readFileSync(join(repoRoot, 'dashboards', file), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
    templating: { list: { query?: { query?: string } | string }[] };
  };
  const templated = d.templating.list.flatMap((t) =>
    typeof t.query === 'object' && t.query.query
      ? [t.query.query.replace(/^label_values\((.*),\s*\w+\)$/, '$1')]
      : [],
  );
  return [...d.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...templated];
}

test('promqlMetricNames finds metrics and skips functions, labels and by-lists', () => {
  assert.deepEqual(
    promqlMetricNames(
      'sum by (verb, code) (rate(apiserver_request_total{resource="leases"}[1m])) / on(x) foo_bytes',
    ),
    ['apiserver_request_total', 'foo_bytes'],
  );
  assert.deepEqual(promqlMetricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket[1m])))'), [
    'x_bucket',
  ]);
});

test('every metric the results dashboard queries exists in the export', () => {
  const exported = new Set(exportedMetricNames());
  const queried = dashboardExprs('l2bench-results.json').flatMap(promqlMetricNames);
  assert.ok(queried.length >= 12, `queries found: ${queried.length}`);
  for (const name of queried) assert.ok(exported.has(name), `${name} is not exported`);
});

test('every agent metric the live dashboard queries is one the announcer registers', () => {
  const source = readFileSync(join(repoRoot, 'announcer/metrics/agent-metrics.ts'), 'utf8');
  const agent = dashboardExprs('l2bench-live.json')
    .flatMap(promqlMetricNames)
    .filter((n) => n.startsWith('l2announcer_'));
  assert.ok(agent.length >= 5);
  for (const name of agent) {
    const base = name.replace(/_(bucket|count|sum)$/, '');
    assert.ok(source.includes(`'${base}'`), `${name}: not registered in announcer/metrics/agent-metrics.ts`);
  }
});
