import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../messages.js';
import { renderChart } from '../render.js';
import { runDataOf, SMALL_RUN, syntheticRun } from '../testing/synthetic-run.js';
import type { DrawnChart } from './chart.js';
import { failoverOutageSpec, outagePoints } from './failover-outage.js';

const run = runDataOf(syntheticRun(SMALL_RUN));
const recovered = run.trials.filter((t) => t.outageMs !== null);

test('every recovered trial is a point, in seconds, labelled with its lease setting', () => {
  const points = outagePoints(run.summary.variants, run.trials);
  assert.equal(points.length, recovered.length);
  assert.deepEqual(new Set(points.map((p) => p.setting)), new Set(['15/5/2 s', '5/3/1 s']));
  for (const p of points) assert.ok(p.jitter >= -0.35 && p.jitter <= 0.35);
  assert.deepEqual(
    points.map((p) => p.outageSeconds).sort(),
    recovered.map((t) => t.outageMs! / 1000).sort(),
  );
});

test('columns per fault kind, boxes under trial points; lost trials are counted in the caption', async () => {
  const chart = failoverOutageSpec(run) as DrawnChart;
  const spec = chart.spec as unknown as {
    facet: { column: { field: string } };
    spec: { layer: { mark: { type: string } }[] };
  };
  assert.equal(spec.facet.column.field, 'fault');
  assert.deepEqual(
    spec.spec.layer.map((l) => l.mark.type),
    ['boxplot', 'point'],
  );
  const lost = run.trials.length - recovered.length;
  assert.ok(lost > 0, 'SMALL_RUN has a trial that never recovers');
  assert.ok(
    chart.caption.includes(`${lost} trial where the service never came back is not plotted`),
    chart.caption,
  );
  const r = await renderChart(chart.spec);
  assert.equal(r.marksByType.symbol, recovered.length, 'a dot per recovered trial');
  const groups = new Set(recovered.map((t) => `${t.variantId} ${t.fault}`));
  assert.equal(r.marksByType.rect, 2 * groups.size, 'a box (two halves) per fault kind and setting');
});

test('omitted when there are no trials, or none recovered', () => {
  assert.deepEqual(failoverOutageSpec({ ...run, trials: [] }), {
    kind: 'omitted',
    name: 'failover-outage',
    title: 'Failover outage per fault kind and lease setting',
    reason: msg.noTrials(),
  });
  const lostAll = run.trials.map((t) => ({ ...t, outageMs: null }));
  const c = failoverOutageSpec({ ...run, trials: lostAll });
  assert.equal(c.kind === 'omitted' && c.reason, msg.noRecoveredTrials(run.trials.length));
});
