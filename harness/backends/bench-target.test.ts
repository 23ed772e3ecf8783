import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECONFIGURABLE_BACKENDS } from './bench-target.js';
import { ClusterBenchTarget } from './cluster/cluster-bench-target.js';
import { DockerBenchTarget } from './docker/docker-bench-target.js';
import { KindBenchTarget } from './kind/kind-bench-target.js';
import { LocalBenchTarget } from './local/local-bench-target.js';

test('RECONFIGURABLE_BACKENDS names exactly the backends whose targets implement reconfigure', () => {
  const targets = {
    local: LocalBenchTarget,
    docker: DockerBenchTarget,
    kind: KindBenchTarget,
    cluster: ClusterBenchTarget,
  } as const;
  for (const [backend, cls] of Object.entries(targets)) {
    const has = typeof (cls.prototype as { reconfigure?: unknown }).reconfigure === 'function';
    assert.equal(
      RECONFIGURABLE_BACKENDS.has(backend as keyof typeof targets),
      has,
      `${backend}: reconfigure ${has ? 'implemented' : 'missing'}`,
    );
  }
});
