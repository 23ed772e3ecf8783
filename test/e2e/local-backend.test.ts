import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { processesOfRun } from '../../harness/backends/local/cleanup-stale-runs.js';
import { StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { registrationPath } from '../../harness/cluster/run-registry.js';
import { readProcCpu } from '../../harness/measure/proc-cpu.js';
import { repoRoot } from '../../harness/paths.js';
import { runCommand } from '../../harness/util/run-command.js';

const asRoot = process.getuid?.() === 0;

async function leftovers(runId: string): Promise<string[]> {
  const ns = (await runCommand('ip', ['netns', 'list'])).stdout;
  const links = (await runCommand('ip', ['-o', 'link', 'show'])).stdout;
  const out: string[] = [];
  if (ns.includes(`l2b${runId}`)) out.push('netns');
  if (links.includes(`l2b${runId}`)) out.push('link');
  if (processesOfRun(runId).length > 0) out.push('process');
  if (existsSync(registrationPath(runId))) out.push('registration');
  return out;
}

test('a 3-node local cluster serves Leases to node namespaces, its CPU grows, and teardown leaves nothing', {
  skip: !asRoot && 'needs root',
}, async () => {
  let runId = '';
  let workDir = '';
  {
    await using cluster = await StartedLocalCluster.start({
      nodes: 3,
      nodeLabels: () => ({ 'homelab/role': 'worker' }),
    });
    runId = cluster.runId;
    workDir = cluster.workDir;
    assert.equal(cluster.nodes.length, 3);
    const nodes = await cluster.kubeConfig().makeApiClient(CoreV1Api).listNode();
    assert.deepEqual(
      nodes.items.map((n) => n.metadata?.labels?.['homelab/role']),
      ['worker', 'worker', 'worker'],
    );

    // Create and update a Lease from inside node 1's namespace, with curl and the admin identity.
    const cert = join(workDir, 'test-admin.crt');
    const key = join(workDir, 'test-admin.key');
    const ca = join(workDir, 'test-ca.crt');
    writeFileSync(cert, cluster.adminTls.cert ?? '');
    writeFileSync(key, cluster.adminTls.key ?? '');
    writeFileSync(ca, cluster.adminTls.ca);
    const url = `${cluster.apiServerUrl}/apis/coordination.k8s.io/v1/namespaces/default/leases`;
    const curl = (args: string[]) =>
      cluster.execIn(cluster.nodes[1]!.netns, 'curl', [
        '-sS',
        '-m',
        '5',
        '--cacert',
        ca,
        '--cert',
        cert,
        '--key',
        key,
        '-H',
        'Content-Type: application/json',
        ...args,
      ]);
    const cpuBefore =
      readProcCpu(cluster.etcd.pid)!.cpuSeconds + readProcCpu(cluster.apiserver.pid)!.cpuSeconds;
    const created = await curl([
      '-X',
      'POST',
      url,
      '-d',
      JSON.stringify({ metadata: { name: 'e2e' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 15 } }),
    ]);
    assert.equal(created.code, 0, created.stderr);
    const lease = JSON.parse(created.stdout) as { metadata: { resourceVersion: string } };
    assert.ok(lease.metadata.resourceVersion, created.stdout);
    for (let i = 0; i < 20; i++) {
      const got = JSON.parse((await curl([`${url}/e2e`])).stdout) as { metadata: object; spec: object };
      const upd = await curl([
        '-X',
        'PUT',
        `${url}/e2e`,
        '-d',
        JSON.stringify({ ...got, spec: { ...got.spec, holderIdentity: `n1-${i}` } }),
      ]);
      assert.equal(
        (JSON.parse(upd.stdout) as { spec: { holderIdentity: string } }).spec.holderIdentity,
        `n1-${i}`,
      );
    }
    const cpuAfter =
      readProcCpu(cluster.etcd.pid)!.cpuSeconds + readProcCpu(cluster.apiserver.pid)!.cpuSeconds;
    assert.ok(cpuAfter > cpuBefore, `control-plane CPU grew: ${cpuBefore} → ${cpuAfter}`);
    assert.deepEqual(await leftovers(runId).then((l) => l.includes('netns')), true);
  }
  assert.deepEqual(await leftovers(runId), []);
  assert.equal(existsSync(workDir), false);
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(join(repoRoot, 'l2bench'), args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

async function netnsCount(): Promise<number> {
  return (await runCommand('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('l2b'))
    .length;
}

test('bad input to `l2bench up` is one line naming the problem, and nothing is left behind', {
  skip: !asRoot && 'needs root',
}, async () => {
  const before = await netnsCount();
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '0.0.0.0', r));
  const port = (busy.address() as { port: number }).port;
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['up', '--nodes', '0'], {}, /--nodes must be an integer from 1 to 100 \(got 0\)/],
    [['up', '--nodes', '500'], {}, /got 500/],
    [['up', '--label', 'worker'], {}, /--label 'worker' is not key=value/],
    [['up', '--api-port', String(port)], {}, new RegExp(`--api-port ${port} is not available`)],
    [['up'], { L2BENCH_ETCD: '/nonexistent/etcd' }, /L2BENCH_ETCD.*\/nonexistent\/etcd/],
  ];
  try {
    for (const [args, env, re] of cases) {
      const r = cli(args, env);
      assert.notEqual(r.status, 0, `${args.join(' ')} should fail`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, re);
    }
  } finally {
    busy.close();
  }
  assert.equal(await netnsCount(), before);
});
