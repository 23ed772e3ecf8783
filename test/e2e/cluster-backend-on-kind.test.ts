/**
 * The `cluster` backend (a cluster l2bench did not create) end to end: a kind cluster made with
 * the kind CLI from the l2bench node image, as a user would make one, then a small scenario with
 * `backend: cluster`, `--context kind-<name>` and `--yes` semantics through `runScenario`, then
 * every listable object of the cluster compared with the list taken before the run: the backend
 * must leave the cluster as it found it. Runs where the kind test runs (Docker and the node image).
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { ensureDockerEngine } from '../../harness/backends/docker/docker-engine.js';
import { DockerCli } from '../../harness/backends/kind/docker-cli.js';
import { ensureKindNetwork } from '../../harness/backends/kind/kind-cluster.js';
import { deriveKindConfig, kindConfigYaml, loadKindConfig } from '../../harness/backends/kind/kind-config.js';
import { kindVipPool } from '../../harness/backends/kind/kind-network.js';
import { NODE_IMAGE_REPO } from '../../harness/backends/kind/node-image/build-node-image.js';
import { kubeadmEtcdPatch } from '../../harness/backends/kind/node-image/component-images.js';
import { claimVipSlot } from '../../harness/backends/kind/vip-slot.js';
import { resolveAnnouncerImage } from '../../harness/backends/kube/announcer-image.js';
import { runScenario } from '../../harness/run/run-scenario.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { resolveScenario } from '../../harness/scenario/scenario-schema.js';
import { resolveTool } from '../../harness/tools/resolve-tool.js';
import { runCommand } from '../../harness/util/run-command.js';

/** The newest l2bench node image in the engine, or why the test cannot run. */
const nodeImage: { image: string } | { skip: string } = await (async () => {
  if (process.getuid?.() !== 0) return { skip: 'needs root' };
  try {
    const { docker } = await ensureDockerEngine({ start: false });
    const images = await docker.listImages({ filters: { reference: [NODE_IMAGE_REPO] } });
    const newest = images.sort((a, b) => b.Created - a.Created)[0]?.RepoTags?.[0];
    return newest
      ? { image: newest }
      : { skip: `no ${NODE_IMAGE_REPO} image: run ./l2bench tools kind-node-image` };
  } catch (err) {
    return { skip: (err as Error).message };
  }
})();
const skip = 'skip' in nodeImage ? nodeImage.skip : false;
if (skip) console.log(`# skipping cluster-backend-on-kind: ${skip}`);

// What a run may change without leaving anything behind: events come and go, and the components'
// own Leases and the endpoints of the API server are rewritten, not created.
const TRANSIENT = /^(Event|events\.k8s\.io)/;

/** `<kind>/<namespace>/<name>` of every object any listable resource holds. */
async function everyObject(kubectl: string, kubeconfig: string): Promise<string[]> {
  // A fresh discovery cache each time: a cached one still lists the CRDs the run removed.
  const cache = mkdtempSync(join(tmpdir(), 'l2b-kubectl-cache-'));
  const k = (args: string[]) =>
    runCommand(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...args], { timeoutMs: 120_000 });
  try {
    return await listEvery(k);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

async function listEvery(k: (args: string[]) => ReturnType<typeof runCommand>): Promise<string[]> {
  const resources = (await k(['api-resources', '--verbs=list', '-o', 'name'])).stdout
    .split('\n')
    .filter((r) => r && !/^events(\.events\.k8s\.io)?$/.test(r));
  const out = await k([
    'get',
    resources.join(','),
    '-A',
    '--ignore-not-found',
    '-o',
    'jsonpath={range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
  ]);
  return out.stdout
    .split('\n')
    .filter((l) => l && !TRANSIENT.test(l))
    .sort();
}

test('the cluster backend runs on a kind cluster made outside l2bench and leaves it as it found it', {
  skip,
  timeout: 1_800_000,
}, async () => {
  if (!('image' in nodeImage)) return;
  const kind = await resolveTool('kind');
  const kubectl = await resolveTool('kubectl');
  const dir = mkdtempSync(join(tmpdir(), 'l2b-cluster-e2e-'));
  const name = `l2bext-${randomBytes(3).toString('hex')}`;
  const kubeconfig = join(dir, 'kubeconfig');
  await using stack = new AsyncDisposableStack();
  stack.defer(() => rmSync(dir, { recursive: true, force: true }));
  // The kind network in 198.19.0.0/16 (kind would make it in 172.18.0.0/16), and a VIP block of
  // its free half no other kind cluster of this machine uses.
  const net = await ensureKindNetwork(new DockerCli());
  const slot = stack.use(claimVipSlot());
  const pool = kindVipPool(net, slot.slot).cidr!;
  // The cluster as a user makes it: kind's CLI, the repository's kind config shaped for 2 workers
  // (the agent label on each), the node image's etcd tag.
  const shape = resolveScenario(
    parseScenario(
      'name: shape\nbackend: kind\nnodes: {count: 2}\nservices: {announced: 2}\n',
      'cluster-backend-on-kind',
    ),
  );
  const config = {
    ...deriveKindConfig(loadKindConfig(), shape, name),
    kubeadmConfigPatches: [kubeadmEtcdPatch()],
  };
  writeFileSync(join(dir, 'kind-config.yaml'), kindConfigYaml(config));
  stack.defer(async () => {
    await runCommand(kind, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], {
      timeoutMs: 300_000,
      allowFailure: true,
    });
  });
  await runCommand(
    kind,
    [
      ...['create', 'cluster', '--name', name, '--image', nodeImage.image],
      ...['--config', join(dir, 'kind-config.yaml'), '--kubeconfig', kubeconfig, '--wait', '180s'],
    ],
    { timeoutMs: 600_000 },
  );
  // No registry here: the announcer image goes onto the nodes as a user would side-load it.
  const announcer = await resolveAnnouncerImage('IfNotPresent');
  await runCommand(kind, ['load', 'docker-image', announcer.ref, '--name', name], { timeoutMs: 300_000 });

  // `--wait` returns once the control plane is Ready; the workers' kubelets still register and
  // create their node Leases. The cluster as found is the settled one.
  await runCommand(
    kubectl,
    ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Ready', 'node', '--all', '--timeout=180s'],
    { timeoutMs: 200_000 },
  );
  for (let i = 0; i < 60; i++) {
    const leases = await runCommand(
      kubectl,
      ['--kubeconfig', kubeconfig, 'get', 'leases', '-n', 'kube-node-lease', '-o', 'name'],
      { timeoutMs: 30_000 },
    );
    if (leases.stdout.trim().split('\n').length >= config.nodes.length) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const before = await everyObject(kubectl, kubeconfig);
  writeFileSync(
    join(dir, 'scenario.yaml'),
    stringify({
      name: 'cluster-on-kind',
      backend: 'cluster',
      coresK: 4,
      nodes: { count: 2 },
      services: { announced: 2 },
      pool: { cidr: pool },
      announcer: { leaseDurationMs: '4s', renewDeadlineMs: '2s', retryPeriodMs: '0.5s' },
      measurement: { warmupSeconds: 5, windowSeconds: 10, repetitions: 1 },
      faults: { kinds: ['agent-crash', 'graceful'], trialsPerKind: 1, settleSeconds: 3 },
      probes: { maxDurationSeconds: 30 },
    }),
  );
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  try {
    const { summary } = await runScenario({
      scenario: join(dir, 'scenario.yaml'),
      resultsRoot: join(dir, 'results'),
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
      cluster: { context: `kind-${name}`, yes: false },
    });
    assert.equal(summary.complete, true);
    const v = summary.variants[0]!;
    assert.ok(v.announceTimeMs !== null, 'VIPs announced');
    for (const r of v.requests.filter((x) => x.verb === 'GET' || x.verb === 'PUT'))
      assert.ok(
        r.relativeError !== null && Math.abs(r.relativeError) <= 0.2,
        `${r.verb}: ${r.measuredPerSecond.median}/s vs model ${r.modelPerSecond}`,
      );
    assert.deepEqual(v.failover.map((f) => [f.fault, f.failedTrials]).sort(), [
      ['agent-crash', 0],
      ['graceful', 0],
    ]);
  } finally {
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
  }
  // Namespace and CRD deletion finish in the background (a CRD being deleted is still listed by
  // discovery while its resource no longer answers): give it the time a user's cluster would.
  let after: string[] = [];
  for (let i = 0; i < 60; i++) {
    try {
      after = await everyObject(kubectl, kubeconfig);
      if (after.join('\n') === before.join('\n')) break;
    } catch (err) {
      if (!/doesn't have a resource type/.test((err as Error).message)) throw err;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  assert.deepEqual(
    { added: after.filter((o) => !before.includes(o)), removed: before.filter((o) => !after.includes(o)) },
    { added: [], removed: [] },
    'every object of the cluster is as before the run',
  );
});
