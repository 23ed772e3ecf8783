import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msg } from '../messages.js';
import { renderChart } from '../render.js';
import { runDataOf, SMALL_RUN, syntheticRun } from '../testing/synthetic-run.js';
import { buildCharts } from './build-charts.js';
import type { DrawnChart } from './chart.js';

const small = runDataOf(syntheticRun(SMALL_RUN));

test('every chart of a full run is drawn, titled and captioned with window, repetitions and machine', async () => {
  const charts = buildCharts(small);
  assert.deepEqual(
    charts.map((c) => c.name),
    [
      'cpu-overhead-millicores',
      'cpu-overhead-pct-of-node',
      'lease-requests',
      'etcd-agents',
      'failover-outage',
      'tradeoff',
      'tradeoff-requests',
      'cpu-timeseries',
    ],
  );
  for (const c of charts) {
    assert.equal(c.kind, 'chart', `${c.name} drawn`);
    const { spec, caption, title } = c as DrawnChart;
    assert.deepEqual((spec as { title: { text: string } }).title.text, title);
    assert.equal(spec.description, caption, `${c.name}: description carries the caption`);
    assert.equal((spec.usermeta as { caption: string }).caption, caption);
    for (const fact of [
      '15 s windows',
      '3 repetitions per variant',
      '8 cores',
      'Intel(R) Xeon(R) CPU @ 2.20GHz',
      'kube-apiserver v1.32.13',
    ]) {
      assert.ok(caption.includes(fact), `${c.name} caption mentions "${fact}": ${caption}`);
    }
    const r = await renderChart(spec);
    assert.ok(r.markCount > 0, `${c.name} draws marks`);
    assert.ok(r.svg.includes(title.replace(/&/g, '&amp;')), `${c.name} SVG carries its title`);
  }
});

test('a run without faults omits the failover and trade-off charts with the reason, never an empty chart', () => {
  const noFaults = runDataOf(
    syntheticRun({
      variants: [
        { nodes: 3, services: 10 },
        { nodes: 3, services: 50 },
      ],
    }),
  );
  const byName = new Map(buildCharts(noFaults).map((c) => [c.name, c]));
  assert.deepEqual(byName.get('failover-outage'), {
    kind: 'omitted',
    name: 'failover-outage',
    title: 'Failover outage per fault kind and lease setting',
    reason: msg.noTrials(),
  });
  const tradeoff = byName.get('tradeoff');
  assert.equal(tradeoff?.kind === 'omitted' && tradeoff.reason, msg.noTradeoff());
  const byRequests = byName.get('tradeoff-requests');
  assert.equal(byRequests?.kind === 'omitted' && byRequests.reason, msg.noTradeoff('requests'));
  for (const name of ['cpu-overhead-millicores', 'lease-requests', 'cpu-timeseries']) {
    assert.equal(byName.get(name)?.kind, 'chart', `${name} still drawn`);
  }
});

test('a run with only summary figures (no samples) omits the time series', () => {
  const bare = { ...small, cpuSamples: [], phases: [] };
  const ts = buildCharts(bare).find((c) => c.name === 'cpu-timeseries');
  assert.deepEqual(ts && ts.kind === 'omitted' && ts.reason, msg.noCpuSamples());
});

test('the caption says so when the kube-apiserver version was not recorded', () => {
  const noTools = { ...small, environment: { ...small.environment, tools: [] } };
  const c = buildCharts(noTools)[0] as DrawnChart;
  assert.ok(c.caption.includes('kube-apiserver version not recorded'), c.caption);
});
