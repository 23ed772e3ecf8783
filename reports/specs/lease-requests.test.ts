import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderChart } from '../render.js';
import { runDataOf, SMALL_RUN, syntheticRun } from '../testing/synthetic-run.js';
import { verbName } from '../variant-metrics.js';
import type { DrawnChart } from './chart.js';
import { leaseRequestsSpec, requestPoints } from './lease-requests.js';

const run = runDataOf(syntheticRun(SMALL_RUN));
const variants = run.summary.variants;

test('a point per variant and verb at x = selected nodes × announced services', () => {
  const points = requestPoints(variants);
  assert.equal(
    points.length,
    variants.reduce((n, v) => n + v.requests.length, 0),
  );
  for (const p of points) {
    const v = variants.find((x) => x.label === p.variant)!;
    const r = v.requests.find((x) => verbName(x.verb) === p.verb)!;
    assert.ok(['get', 'update'].includes(p.verb), `${p.verb}: named as the gate names it`);
    assert.equal(p.nm, v.selectedNodes * v.announcedServices);
    assert.deepEqual(
      [p.lo, p.median, p.hi, p.model],
      [r.measuredPerSecond.lo, r.measuredPerSecond.median, r.measuredPerSecond.hi, r.modelPerSecond],
    );
  }
});

test('measured points with error bars per verb, and the model as dashed lines with open points', async () => {
  const chart = leaseRequestsSpec(run) as DrawnChart;
  const spec = chart.spec as unknown as {
    encoding: Record<string, { field: string }>;
    layer: { mark: { type: string; strokeDash?: number[] }; encoding: Record<string, { field?: string }> }[];
  };
  assert.equal(spec.encoding.x?.field, 'nm');
  assert.equal(spec.encoding.color?.field, 'verb');
  const [model, bars, points] = spec.layer;
  assert.equal(model?.mark.type, 'line');
  assert.ok(model?.mark.strokeDash, 'model line is dashed');
  assert.equal(model?.encoding.y?.field, 'model');
  assert.equal(bars?.encoding.y?.field, 'lo');
  assert.equal(bars?.encoding.y2?.field, 'hi');
  assert.equal(points?.encoding.y?.field, 'median');
  const r = await renderChart(chart.spec);
  const n = requestPoints(variants).length;
  assert.equal(r.marksByType.rule, n, 'an error bar per measured point');
  assert.equal(r.marksByType.symbol, 2 * n, 'measured points plus the model points');
});

test('without model figures the model layer and its caption sentence go', () => {
  const noModel = structuredClone(run);
  for (const v of noModel.summary.variants) for (const r of v.requests) r.modelPerSecond = null;
  const chart = leaseRequestsSpec(noModel) as DrawnChart;
  assert.equal((chart.spec as { layer: unknown[] }).layer.length, 2);
  assert.ok(chart.caption.includes('no variant has an analytic model figure'));
});

test('no request figures at all omits the chart', () => {
  const none = structuredClone(run);
  for (const v of none.summary.variants) v.requests = [];
  assert.equal(leaseRequestsSpec(none).kind, 'omitted');
});
