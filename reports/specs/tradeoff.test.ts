import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VariantSummary } from '../../harness/results/results-schema.js';
import { renderChart } from '../render.js';
import { runDataOf, syntheticRun } from '../testing/synthetic-run.js';
import type { DrawnChart } from './chart.js';
import { DOMINATED, ON_FRONTIER, totalLeaseRequests, tradeoffPoints, tradeoffSpec } from './tradeoff.js';

// Three lease settings under crash faults; their figures are then set by hand.
const run = runDataOf(
  syntheticRun({
    variants: [
      { nodes: 3, services: 50, lease: [15_000, 10_000, 2000], faults: ['node-crash'], trialsPerFault: 3 },
      { nodes: 3, services: 50, lease: [5000, 3000, 1000], faults: ['node-crash'], trialsPerFault: 3 },
      { nodes: 3, services: 50, lease: [10_000, 6000, 2000], faults: ['node-crash'], trialsPerFault: 3 },
    ],
  }),
);
function setFigures(v: VariantSummary, overhead: number, p95Ms: number): void {
  v.cpu.controlPlaneOverheadMillicores = { median: overhead, lo: overhead - 5, hi: overhead + 5, n: 3 };
  v.failover[0]!.outageMs.p95 = p95Ms;
}
const [slowCheap, fastDear, dominated] = run.summary.variants as [
  VariantSummary,
  VariantSummary,
  VariantSummary,
];
setFigures(slowCheap, 40, 16_000);
setFigures(fastDear, 120, 5000);
setFigures(dominated, 130, 11_000);

test('marks the Pareto frontier per fault kind: cheaper-slower and dearer-faster both stay, the dominated one not', () => {
  const points = tradeoffPoints(run.summary.variants);
  const position = Object.fromEntries(points.map((p) => [p.variant, p.position]));
  assert.deepEqual(position, {
    [slowCheap.label]: ON_FRONTIER,
    [fastDear.label]: ON_FRONTIER,
    [dominated.label]: DOMINATED,
  });
  assert.deepEqual(
    points.map((p) => p.p95Seconds),
    [16, 5, 11],
  );
  assert.ok(
    points.every((p) => p.short.startsWith('lease ')),
    'labelled by the setting that differs',
  );
});

test('the frontier line joins only frontier points; every variant gets a point and an interval bar', async () => {
  const chart = tradeoffSpec(run) as DrawnChart;
  const r = await renderChart(chart.spec);
  assert.equal(r.marksByType.symbol, 3);
  assert.equal(r.marksByType.rule, 3);
  assert.equal(r.marksByType.line, 1, 'one frontier line (one fault kind)');
  // Three variants, one strategy: each has its own shape named in the legend, so no text labels.
  assert.equal(r.marksByType.text ?? 0, 0, 'no labels that could overlap');
  const shape = (chart.spec as { layer: { encoding?: Record<string, { field?: string }> }[] }).layer[2]
    ?.encoding?.shape;
  assert.equal(shape?.field, 'short', 'shape names the variant');
  assert.ok(r.svg.includes('lease 15/10/2 s'), 'the legend names each variant');
  assert.ok(chart.caption.includes('Pareto frontier'));
  assert.ok(chart.caption.includes('3 recovered trials per point'), chart.caption);
});

test('variants without failover p95 or without overhead are not points', () => {
  const copy = structuredClone(run);
  copy.summary.variants[0]!.failover[0]!.outageMs.p95 = null;
  copy.summary.variants[1]!.cpu.controlPlaneOverheadMillicores.n = 0;
  assert.deepEqual(
    tradeoffPoints(copy.summary.variants).map((p) => p.variant),
    [dominated.label],
  );
});

// Four strategies at two N×M, crash trials: colour by strategy, every variant labelled by N×M.
const strategies = runDataOf(
  syntheticRun({
    variants: ['per-service', 'per-service-watch', 'sharded:8', 'node-lease'].flatMap((strategy) => [
      { nodes: 3, services: 5, strategy, faults: ['node-crash'] as const, trialsPerFault: 3 },
      { nodes: 9, services: 50, strategy, faults: ['node-crash'] as const, trialsPerFault: 3 },
    ]),
  }),
);

test('with several strategies: colour is the strategy, shape the fault, every variant labelled by N×M', async () => {
  const points = tradeoffPoints(strategies.summary.variants, 'requests', strategies.windows);
  assert.equal(points.length, 8);
  assert.deepEqual(new Set(points.map((p) => p.strategy)).size, 4);
  assert.ok(points.every((p) => p.labelled));
  assert.deepEqual([...new Set(points.map((p) => p.short))].sort(), ['50×9', '5×3']);
  const chart = tradeoffSpec(strategies, 'requests') as DrawnChart;
  assert.equal(chart.name, 'tradeoff-requests');
  const layer = (chart.spec as { layer: { encoding?: Record<string, { field?: string }> }[] }).layer;
  assert.equal((chart.spec as { encoding: { color: { field: string } } }).encoding.color.field, 'strategy');
  assert.equal(layer[2]?.encoding?.shape?.field, 'fault');
  const r = await renderChart(chart.spec);
  assert.equal(r.marksByType.symbol, 8);
  assert.equal(r.marksByType.text, 8, 'every variant labelled');
  assert.ok(chart.caption.includes('colour: strategy'), chart.caption);
});

test('request cost is the per-repetition sum over verbs, net of the baseline', () => {
  const v = strategies.summary.variants[0]!;
  const total = totalLeaseRequests(v, strategies.windows);
  const perVerb = v.requests.reduce((a, r) => a + r.measuredPerSecond.median, 0);
  assert.equal(total.n, 3);
  // Medians of sums and sums of medians differ a little; both come from the same windows.
  assert.ok(Math.abs(total.median - perVerb) / perVerb < 0.1, `${total.median} vs ${perVerb}`);
});
