import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInterval } from '../format-interval.js';
import { renderChart } from '../render.js';
import { runDataOf, SMALL_RUN, syntheticRun } from '../testing/synthetic-run.js';
import type { DrawnChart } from './chart.js';
import { cpuOverheadSpec, overheadPoints } from './cpu-overhead.js';

const run = runDataOf(syntheticRun(SMALL_RUN));
const variants = run.summary.variants;

test('one point per variant, series by node count plus the configuration that differs', () => {
  const points = overheadPoints(variants, 'millicores');
  assert.equal(points.length, variants.length);
  const series = new Set(points.map((p) => p.series));
  // SMALL_RUN: 3 and 5 nodes at lease 15/5/2 s, and 3 nodes at 5/3/1 s
  assert.deepEqual([...series].sort(), ['M=3, lease 15/5/2 s', 'M=3, lease 5/3/1 s', 'M=5, lease 15/5/2 s']);
  for (const p of points) {
    const v = variants.find((x) => x.label === p.variant)!;
    assert.equal(p.median, v.cpu.controlPlaneOverheadMillicores.median);
    assert.equal(p.text, formatInterval(v.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU' }));
  }
  const pct = overheadPoints(variants, 'pct-of-node');
  assert.deepEqual(
    pct.map((p) => p.median),
    pct.map((p) => variants.find((v) => v.label === p.variant)!.cpu.controlPlaneOverheadPctOfNode.median),
  );
});

test('the spec draws the interval as band and bars, the median as a line, coloured by series', async () => {
  const chart = cpuOverheadSpec(run, 'millicores') as DrawnChart;
  const spec = chart.spec as unknown as {
    encoding: { x: { field: string } };
    layer: { mark: { type: string }; encoding: Record<string, { field?: string }> }[];
  };
  assert.equal(spec.encoding.x.field, 'services');
  // The README's model: N services, M nodes; integer ticks, never `2.000000`.
  const x = spec.encoding.x as { title?: string; axis?: { format?: string } };
  assert.match(x.title ?? '', /^N /);
  assert.equal(x.axis?.format, ',.3~r');
  assert.deepEqual(
    spec.layer.map((l) => l.mark.type),
    ['area', 'rule', 'line'],
  );
  assert.equal(spec.layer[0]!.encoding.y?.field, 'lo');
  assert.equal(spec.layer[0]!.encoding.y2?.field, 'hi');
  assert.equal(spec.layer[2]!.encoding.y?.field, 'median');
  assert.equal(spec.layer[2]!.encoding.color?.field, 'series');
  const r = await renderChart(chart.spec);
  assert.equal(r.marksByType.symbol, variants.length, 'a point per variant');
  assert.equal(r.marksByType.line, 3, 'a line per series');
  assert.equal(r.marksByType.rule, variants.length, 'an interval bar per variant');
});

test('the % version names the K-core node in title, axis and caption', () => {
  const chart = cpuOverheadSpec(run, 'pct-of-node') as DrawnChart;
  const k = run.summary.coresK;
  assert.ok(chart.title.includes(`${k}-core node`));
  assert.ok(chart.caption.includes(`${k}-core node (${k * 1000} mCPU)`));
  assert.ok(JSON.stringify(chart.spec).includes(`% of a ${k}-core node`));
});

test('variants without a measured overhead are left out; none at all omits the chart', () => {
  const none = structuredClone(run);
  for (const v of none.summary.variants) v.cpu.controlPlaneOverheadMillicores.n = 0;
  assert.equal(cpuOverheadSpec(none, 'millicores').kind, 'omitted');
});
