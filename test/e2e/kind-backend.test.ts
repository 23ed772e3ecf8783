import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureDockerEngine } from '../../harness/backends/docker/docker-engine.js';
import { NODE_IMAGE_REPO } from '../../harness/backends/kind/node-image/build-node-image.js';
import { repoRoot } from '../../harness/paths.js';
import { runScenario } from '../../harness/run/run-scenario.js';
import { runCommand } from '../../harness/util/run-command.js';

// Runs where a Docker engine answers and the l2bench kind node image has been built
// (`l2bench tools kind-node-image`, which `npm test`'s pretest runs where Docker answers): a
// cold build compiles every Kubernetes binary from source, so it belongs to the pretest, cached by
// hash, not to a timed test. 308 s here (2 cores), the node image found or rebuilt from caches.
const skip: string | false = await (async () => {
  if (process.getuid?.() !== 0) return 'needs root';
  try {
    const { docker } = await ensureDockerEngine({ start: false });
    const images = await docker.listImages({ filters: { reference: [NODE_IMAGE_REPO] } });
    if (images.length === 0 && !process.env.L2BENCH_KIND_NODE_IMAGE)
      return `no ${NODE_IMAGE_REPO} image: run ./l2bench tools kind-node-image`;
    return false;
  } catch (err) {
    return (err as Error).message;
  }
})();
if (skip) console.log(`# skipping kind backend test: ${skip}`);

/** kind clusters l2bench created (their node containers carry kind's cluster label). */
async function kindClusters(): Promise<string[]> {
  const r = await runCommand(
    'docker',
    ['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}'],
    {
      allowFailure: true,
    },
  );
  return r.stdout.split('\n').filter((n) => n.startsWith('l2b'));
}

test('a small scenario runs end to end on kind (2 workers, 2 services, crash and graceful)', {
  skip,
  timeout: 1_800_000,
}, async () => {
  const before = await kindClusters();
  const root = mkdtempSync(join(tmpdir(), 'l2b-kind-e2e-'));
  try {
    const { summary } = await runScenario({
      scenario: join(repoRoot, 'test', 'e2e', 'fixtures', 'kind-small.yaml'),
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    assert.equal(summary.complete, true);
    const v = summary.variants[0];
    assert.ok(v, 'one variant');
    assert.ok(v.announceTimeMs !== null, 'VIPs announced');
    for (const r of v.requests.filter((x) => x.verb === 'GET' || x.verb === 'PUT'))
      assert.ok(
        r.relativeError !== null && Math.abs(r.relativeError) <= 0.2,
        `${r.verb}: ${r.measuredPerSecond.median}/s vs model ${r.modelPerSecond}`,
      );
    for (const f of v.failover) assert.equal(f.failedTrials, 0, f.fault);
    // The agents run as a kube-system ServiceAccount, as Cilium's: APF sends their Lease requests
    // to the leader-election level (a ServiceAccount in the run's namespace went to workload-low).
    const top = v.controlPlane?.agentFlowSchemas[0];
    assert.deepEqual([top?.flowSchema, top?.priorityLevel], ['system-leader-election', 'leader-election']);
    // A crashed node cannot answer, and no other agent may take its Lease before it expires: the
    // VIP is silent for at least leaseDuration − retryPeriod (3.5 s here) after the last renewal.
    // Half of that leaves room for probe spacing; the probes name echo pods, not the announcer, so
    // a node-based figure read 50–200 ms here before (failover-analysis.ts, podAnsweredFigures).
    const crash = v.failover.find((f) => f.fault === 'node-crash');
    assert.ok(crash && (crash.outageMs.min ?? 0) >= 1_750, `crash outage ${crash?.outageMs.min} ms`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  // The run deleted its cluster: no l2b kind node container is left that was not there before.
  assert.deepEqual(
    (await kindClusters()).filter((n) => !before.includes(n)),
    [],
  );
});
