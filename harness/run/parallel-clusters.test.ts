import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { ScenarioError } from '../errors.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { resolveScenario } from '../scenario/scenario-schema.js';
import {
  availableMemoryBytes,
  clusterMemoryBytes,
  HOST_RESERVE_BYTES,
  planParallelClusters,
} from './parallel-clusters.js';

const GiB = 2 ** 30;

test('one cluster at a time unless asked, whatever the memory', () => {
  assert.deepEqual(
    planParallelClusters({ requested: 1, backend: 'kind', clusterBytes: [8 * GiB], availableBytes: 1 * GiB }),
    { clusters: 1, limitedBy: null },
  );
});

test('K clusters when memory allows, lowered to the clusters the run needs', () => {
  const three = [2 * GiB, 2 * GiB, 2 * GiB];
  assert.deepEqual(
    planParallelClusters({ requested: 3, backend: 'kind', clusterBytes: three, availableBytes: 20 * GiB }),
    { clusters: 3, limitedBy: null },
  );
  const two = planParallelClusters({
    requested: 4,
    backend: 'docker',
    clusterBytes: [1 * GiB, 1 * GiB],
    availableBytes: 20 * GiB,
  });
  assert.equal(two.clusters, 2);
  assert.match(two.limitedBy ?? '', /the run needs 2 clusters/);
});

test('memory lowers K, counting the largest clusters and the host reserve', () => {
  const p = planParallelClusters({
    requested: 3,
    backend: 'kind',
    clusterBytes: [1 * GiB, 4 * GiB, 4 * GiB],
    availableBytes: HOST_RESERVE_BYTES + 8.5 * GiB,
  });
  assert.equal(p.clusters, 2);
  assert.match(p.limitedBy ?? '', /^memory: 10\.5 GiB available, up to 4\.0 GiB per cluster/);
  // Not even one fits: still one, run as before.
  assert.equal(
    planParallelClusters({
      requested: 2,
      backend: 'local',
      clusterBytes: [4 * GiB, 4 * GiB],
      availableBytes: GiB,
    }).clusters,
    1,
  );
});

test('kind holds one cluster per VIP slot; cluster has one cluster; bad values name the flag', () => {
  const kind = planParallelClusters({
    requested: 8,
    backend: 'kind',
    clusterBytes: Array(8).fill(GiB),
    availableBytes: 100 * GiB,
  });
  assert.deepEqual(kind, { clusters: 4, limitedBy: 'backend kind holds 4 clusters at once' });
  assert.throws(
    () =>
      planParallelClusters({
        requested: 2,
        backend: 'cluster',
        clusterBytes: [GiB],
        availableBytes: 100 * GiB,
      }),
    (e: unknown) =>
      e instanceof ScenarioError &&
      /^--parallel 2: backend cluster runs on one existing cluster; drop --parallel/.test(e.message),
  );
  for (const bad of [0, -1, 9, 1.5]) {
    assert.throws(
      () =>
        planParallelClusters({
          requested: bad,
          backend: 'kind',
          clusterBytes: [GiB],
          availableBytes: 100 * GiB,
        }),
      (e: unknown) =>
        e instanceof ScenarioError && e.message === `--parallel ${bad}: use a whole number from 1 to 8`,
    );
  }
});

test('cluster memory grows with nodes and is larger on kind', () => {
  const scenario = (backend: string, nodes: number) =>
    resolveScenario(
      parseScenario(
        stringify({ name: 'x', backend, nodes: { count: nodes }, services: { announced: 5 } }),
        'x.yaml',
      ),
    );
  const local3 = clusterMemoryBytes(scenario('local', 3));
  assert.ok(clusterMemoryBytes(scenario('local', 9)) > local3);
  assert.ok(clusterMemoryBytes(scenario('kind', 3)) > local3);
});

test('availableMemoryBytes reads MemAvailable', () => {
  const meminfo = 'MemTotal:       24000000 kB\nMemFree:        1000 kB\nMemAvailable:   20000000 kB\n';
  assert.equal(availableMemoryBytes(meminfo), 20_000_000 * 1024);
  assert.throws(() => availableMemoryBytes('MemTotal: 1 kB\n'), /no MemAvailable/);
  assert.ok(availableMemoryBytes() > 0);
});
