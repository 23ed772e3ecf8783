import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderChart } from '../render.js';
import { runDataOf, SMALL_RUN, syntheticRun } from '../testing/synthetic-run.js';
import type { DrawnChart } from './chart.js';
import { cpuTimeseriesSpec } from './cpu-timeseries.js';

const run = runDataOf(syntheticRun(SMALL_RUN));

test('phases are shaded rectangles behind one line per control-plane process and variant', async () => {
  const chart = cpuTimeseriesSpec(run) as DrawnChart;
  const spec = chart.spec as unknown as {
    layer: {
      mark: { type: string };
      data: { values: { series?: string; phase?: string }[] };
      encoding: Record<string, { field?: string }>;
    }[];
  };
  const [phases, lines] = spec.layer;
  assert.equal(phases?.mark.type, 'rect');
  assert.equal(phases?.data.values.length, run.phases.length);
  assert.equal(phases?.encoding.color?.field, 'phase');
  assert.equal(lines?.mark.type, 'line');
  assert.equal(lines?.encoding.y?.field, 'millicores');
  assert.deepEqual(new Set(lines?.data.values.map((v) => v.series)), new Set(['kube-apiserver', 'etcd']));
  const r = await renderChart(chart.spec);
  assert.equal(r.marksByType.rect, run.phases.length);
  assert.equal(r.marksByType.line, 2 * run.summary.variants.length, 'apiserver and etcd per variant');
});

test('announce windows show more control-plane CPU than baseline windows (rates line up with phases)', () => {
  const chart = cpuTimeseriesSpec(run) as DrawnChart;
  const spec = chart.spec as unknown as { layer: { data: { values: Record<string, number | string>[] } }[] };
  const phases = spec.layer[0]!.data.values as {
    phase: string;
    start: number;
    end: number;
    variantId: string;
  }[];
  const lines = spec.layer[1]!.data.values as { seconds: number; millicores: number; series: string }[];
  const meanIn = (phase: string) => {
    const inside = lines.filter(
      (l) =>
        l.series === 'kube-apiserver' &&
        phases.some((p) => p.phase === phase && l.seconds > p.start + 1 && l.seconds <= p.end),
    );
    return inside.reduce((s, l) => s + l.millicores, 0) / inside.length;
  };
  assert.ok(meanIn('announce') > meanIn('baseline'));
});
