import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VariantSummary } from '../harness/results/results-schema.js';
import { bootstrapMedian, percentiles } from '../harness/results/statistics.js';
import { reportMarkdown } from './report-markdown.js';
import { fewerRequestsFactor, strategyComparisonTable } from './strategy-table.js';

const none = bootstrapMedian([]);

/** A variant summary with only what the strategy table reads filled in. */
function variant(
  id: string,
  strategy: string,
  requestsPerSecond: number[],
  crashOutagesMs: number[],
  leaseDurationMs = 135_000,
): VariantSummary {
  return {
    id,
    label: id,
    params: {},
    nodes: 25,
    selectedNodes: 25,
    announcedServices: 200,
    implementation: 'bundled',
    strategy,
    renewMode: 'get-then-update',
    selection: 'policy',
    leaseDurationMs,
    renewDeadlineMs: 75_000,
    retryPeriodMs: 30_000,
    windowSeconds: 60,
    repetitions: requestsPerSecond.length,
    announceTimeMs: 1000,
    cpu: {
      baselineMillicores: none,
      announceMillicores: none,
      controlPlaneOverheadMillicores: none,
      apiserverOverheadMillicores: none,
      etcdOverheadMillicores: none,
      controlPlaneOverheadPctOfNode: none,
      announcersMillicores: none,
      harnessMillicores: none,
    },
    requests: [],
    requestsTotal: {
      measuredPerSecond: bootstrapMedian(requestsPerSecond),
      modelPerSecond: null,
      relativeError: null,
    },
    etcd: { writesPerSecond: null, fsyncsPerSecond: null, dbSizeGrowthBytes: null },
    failover: [
      {
        fault: 'node-crash',
        outageMs: { ...percentiles(crashOutagesMs), values: crashOutagesMs },
        takeoverMs: { ...percentiles([]), values: [] },
        arpConvergenceMs: { ...percentiles([]), values: [] },
        dualAnsweringTrials: 0,
        failedTrials: 0,
      },
    ],
    notes: [],
  };
}

test('each strategy is held against per-service at the same settings: times fewer and failover p95', () => {
  const perService = variant('v4', 'per-service', [110, 114, 113], [150_000, 170_000, 200_000]);
  const watch = variant('v2', 'per-service-watch', [4.4, 4.5, 4.6], [140_000, 145_000, 150_000]);
  const nodeLease = variant('v1', 'node-lease', [0.6, 0.55, 0.58], [135_000, 136_000, 210_000]);
  // Other lease settings: no per-service variant to compare with.
  const otherTimers = variant('v5', 'node-lease', [1, 1, 1], [15_000], 15_000);
  const table = strategyComparisonTable([nodeLease, watch, perService, otherTimers]);
  assert.ok(table);
  assert.deepEqual(
    table.rows.map((r) => r[2]),
    ['node-lease', 'per-service-watch'],
  );
  const [nl, psw] = table.rows as [string[], string[]];
  const f = fewerRequestsFactor(perService, watch);
  assert.ok(f && f.median > 24 && f.median < 26 && f.lo <= f.median && f.median <= f.hi, JSON.stringify(f));
  assert.match(psw[5] ?? '', /^2\d\.?\d*× \[/);
  assert.match(psw[6] ?? '', /^node-crash p95 .* vs .* \(n=3\/3\): no worse$/);
  assert.match(nl[6] ?? '', /: [\d.]+ s worse$/);
});

test('no table without a per-service variant, and the report says nothing of strategies then', () => {
  const a = variant('v1', 'node-lease', [1, 1], [1000]);
  const b = variant('v2', 'per-service-watch', [2, 2], [1000]);
  assert.equal(strategyComparisonTable([a, b]), null);
  assert.equal(fewerRequestsFactor(a, { ...b, requestsTotal: undefined }), null);
});

test('report.md carries the strategies section when there is a pair', () => {
  const v = [
    variant('v1', 'per-service', [100, 100], [10_000]),
    variant('v2', 'node-lease', [1, 1], [9_000]),
  ];
  const md = reportMarkdown({
    run: {
      summary: {
        formatVersion: 1,
        runId: 'r',
        scenario: 's',
        startedAt: 'x',
        finishedAt: 'y',
        complete: true,
        coresK: 2,
        environment: {} as never,
        variants: v,
      },
      environment: {
        hostname: 'h',
        cpuModel: 'c',
        cores: 2,
        memoryBytes: 2 ** 30,
        kernel: 'k',
        node: 'v20',
        l2benchVersion: '0',
        backend: 'local',
        tools: [],
      },
      warnings: [],
    },
    charts: [],
  });
  assert.match(md, /## Strategies against per-service\n/);
  assert.match(
    md,
    /\| node-lease \| 1\.00\/s .* \| 100\/s .* \| 100× \[100, 100\] \| node-crash p95 9\.00 s vs 10\.0 s \(n=1\/1\): no worse \|/,
  );
});
