import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderChart } from '../render.js';
import { runDataOf, SEED_HOMELAB_RUN, syntheticRun } from '../testing/synthetic-run.js';
import type { DrawnChart } from './chart.js';
import { etcdAgentsSpec, PANEL_METRICS, panelPoints } from './etcd-agents.js';

const run = runDataOf(syntheticRun(SEED_HOMELAB_RUN));
const variants = run.summary.variants;

test('one point per variant and figure: etcd writes, fsyncs, DB growth and agent CPU from summary.json', () => {
  const points = panelPoints(variants);
  assert.equal(points.length, variants.length * PANEL_METRICS.length);
  const writes = points.filter((p) => p.panel === PANEL_METRICS[0]!.title);
  assert.deepEqual(
    writes.map((p) => p.median),
    variants.map((v) => v.etcd.writesPerSecond!.median),
  );
  const agents = points.filter((p) => p.panel.startsWith('agent CPU'));
  assert.deepEqual(
    agents.map((p) => p.median),
    variants.map((v) => v.cpu.announcersMillicores.median),
  );
});

test('a figure no variant measured gets no panel; nothing measured omits the chart with the reason', async () => {
  const copy = structuredClone(run);
  for (const v of copy.summary.variants) v.etcd.dbSizeGrowthBytes = null;
  const chart = etcdAgentsSpec(copy) as DrawnChart;
  const r = await renderChart(chart.spec);
  assert.equal(r.marksByType.symbol, 3 * variants.length, 'three panels of points');
  assert.equal(r.marksByType.rule, 3 * variants.length, 'an interval bar per point');
  assert.ok(r.svg.includes('raft proposals/s') && !r.svg.includes('DB growth per window'));
  assert.ok(chart.caption.includes('range of the 3 values'), chart.caption);
  for (const v of copy.summary.variants) {
    v.etcd = { writesPerSecond: null, fsyncsPerSecond: null, dbSizeGrowthBytes: null };
    v.cpu.announcersMillicores.n = 0;
  }
  assert.equal(etcdAgentsSpec(copy).kind, 'omitted');
});
