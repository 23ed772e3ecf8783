import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../harness/paths.js';
import { Summary } from '../harness/results/results-schema.js';
import { loadResults } from './load-results.js';
import { METRICS, metricDef, summaryMetrics } from './metric-names.js';
import { variantMetrics } from './variant-metrics.js';

const dir = join(repoRoot, 'test/fixtures/results-small');

test('every metric a summary yields is in the table, so gates and exports name the same things', () => {
  const s = Summary.parse(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));
  const names = [...summaryMetrics(s.variants[0]!).keys()];
  assert.ok(names.includes('requests.get') && names.includes('requests.update'), names.join());
  assert.ok(!names.some((n) => /[A-Z]/.test(n.split('.')[1] ?? '')), 'verbs named as Kubernetes does');
  for (const n of names) assert.ok(metricDef(n), n);
});

test("compare's metrics are in the table too, with the same units", async () => {
  const run = await loadResults(dir);
  const metrics = variantMetrics(run.summary.variants[0]!, run.windows, run.trials);
  assert.ok(metrics.length > 3);
  for (const m of metrics) assert.equal(metricDef(m.metric)?.unit, m.unit, m.metric);
});

test('names are unique and family names resolve to their family', () => {
  assert.equal(new Set(METRICS.map((m) => m.name)).size, METRICS.length);
  assert.equal(metricDef('failover.partition.max')?.unit, 'ms');
  assert.equal(metricDef('requests.watch')?.unit, '/s');
  assert.equal(metricDef('failover.meltdown.p95'), undefined);
  assert.equal(metricDef('requests.<verb>'), undefined);
});
