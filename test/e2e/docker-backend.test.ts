import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StartedDockerCluster } from '../../harness/backends/docker/docker-cluster.js';
import { ensureDockerEngine } from '../../harness/backends/docker/docker-engine.js';
import { DOCKER_RUN_LABEL } from '../../harness/backends/docker/docker-resources.js';
import { repoRoot } from '../../harness/paths.js';
import { type SampleLine, WindowRecord } from '../../harness/results/results-schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';

const asRoot = process.getuid?.() === 0;
// Start an engine if none runs (what .ci/run does too); skip with the reason only where none can.
const engineProblem: string | false = await (async () => {
  if (!asRoot) return 'needs root';
  try {
    await ensureDockerEngine();
    return false;
  } catch (err) {
    return (err as Error).message;
  }
})();
if (engineProblem) console.log(`# skipping docker backend tests: ${engineProblem}`);
const skip = engineProblem;
const progress = (l: string) => process.stderr.write(`${l}\n`);

/** Everything in the engine that carries the run label of `runId`. */
async function leftovers(runId: string): Promise<string[]> {
  const { docker } = await ensureDockerEngine({ start: false });
  const filters = { label: [`${DOCKER_RUN_LABEL}=${runId}`] };
  return [
    ...(await docker.listContainers({ all: true, filters })).map((c) => `container ${c.Names[0]}`),
    ...(await docker.listNetworks({ filters })).map((n) => `network ${n.Name}`),
    ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

// tiny rather than seed-homelab --quick: the same code paths (every fault kind the docker backend
// has, idle windows, container CGroup CPU) in ~3 minutes instead of ~11 (the seed's 15 s leases make
// each crash trial 16 s and it has 4 variants), which kept CI under its 30-minute budget.
test('tiny runs end to end on the docker backend', { skip, timeout: 900_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-docker-e2e-'));
  try {
    const { dir, summary } = await runScenario({
      scenario: 'tiny',
      backend: 'docker',
      resultsRoot: root,
      signal: new AbortController().signal,
      progress,
    });
    assert.equal(summary.complete, true);
    assert.equal(summary.variants.length, 1);
    for (const v of summary.variants) {
      // The same request arithmetic as on the local backend: lease rates within 20% of the model.
      for (const r of v.requests.filter((x) => x.verb === 'GET' || x.verb === 'PUT'))
        assert.ok(
          r.relativeError !== null && Math.abs(r.relativeError) <= 0.2,
          `${v.id} ${r.verb}: ${r.measuredPerSecond.median}/s vs model ${r.modelPerSecond}`,
        );
      for (const f of v.failover) assert.equal(f.failedTrials, 0, `${v.id} ${f.fault}`);
      assert.ok(v.announceTimeMs !== null, `${v.id}: VIPs announced`);
    }
    // The container's cgroup covers its processes: never less than kube-apiserver + etcd.
    const windows = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SampleLine)
      .filter((l) => l.type === 'window')
      .map((l) => WindowRecord.parse(l));
    assert.ok(windows.length > 0);
    // Every fault of tiny ran as a trial, on the docker backend's own fault mechanics.
    assert.deepEqual(summary.variants[0]!.failover.map((f) => f.fault).sort(), [
      'freeze',
      'graceful',
      'node-crash',
      'partition',
    ]);
    for (const w of windows) {
      const c = w.cpuMillicores;
      assert.ok(c.controlPlaneContainer !== undefined, 'container CPU recorded');
      // A complete control plane, as on local: the components' CPU and their leader election.
      assert.ok(c.controllerManager !== undefined && c.scheduler !== undefined, 'component CPU recorded');
      assert.deepEqual(
        (w.controlPlaneLeases ?? []).map((l) => [l.name, l.heldAtEnd]).sort(),
        [
          ['kube-controller-manager', true],
          ['kube-scheduler', true],
        ],
        `${w.phase} window ${w.repetition}: the components hold their Leases`,
      );
      assert.ok(
        c.controlPlaneContainer >= c.controlPlane * 0.97 - 5,
        `cgroup ${c.controlPlaneContainer} mCPU < processes ${c.controlPlane} mCPU`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// The 1-CPU saturation comparison (a scaled-down stress sweep, about 3.5 minutes) is a
// measurement, not a check: bench/docker-saturation.ts.

test('teardown leaves no container, network or volume of the run', { skip, timeout: 300_000 }, async () => {
  let runId: string;
  {
    await using cluster = await StartedDockerCluster.start({ nodes: 2, onProgress: progress });
    runId = cluster.runId;
    assert.ok((await leftovers(runId)).length >= 5, 'control plane, 2 nodes, network, volume exist');
  }
  assert.deepEqual(await leftovers(runId), []);
});

test('teardown after SIGINT leaves no container, network or volume of the run', {
  skip,
  timeout: 300_000,
}, async () => {
  const script = join(repoRoot, 'test', 'e2e', 'fixtures', 'docker-cluster-until-signal.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const runId = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^up (\w+)$/m.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`fixture exited (${code}) before the cluster was up`)));
  });
  assert.ok((await leftovers(runId)).length >= 4);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  assert.equal(code, 130);
  assert.deepEqual(await leftovers(runId), []);
});
