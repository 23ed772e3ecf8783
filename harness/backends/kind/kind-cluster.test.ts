import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { loadScenario } from '../../scenario/scenario-file.js';
import { resolveScenario } from '../../scenario/scenario-schema.js';
import { locateTool } from '../../tools/resolve-tool.js';
import { DockerCli } from './docker-cli.js';
import { StartedKindCluster } from './kind-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'l2b-kind-shim-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'argv.log');

/** A stand-in for a CLI: appends `<name> <argv>` to the log, then answers what the backend reads. */
function shim(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${log}'\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: kind-c, cluster: {server: 'https://127.0.0.1:40001'}}]
users: [{name: kind-c, user: {token: t}}]
contexts: [{name: kind-c, context: {cluster: kind-c, user: kind-c}}]
current-context: kind-c
`;
const state = join(dir, 'network-created');
const inspectJson = JSON.stringify([
  {
    Name: 'kind',
    IPAM: { Config: [{ Subnet: '198.19.224.0/19', Gateway: '198.19.224.1', IPRange: '198.19.224.0/20' }] },
  },
]);

const kindPath = shim(
  'kind',
  `case "$1 $2" in
  "version ") echo 'kind v0.30.0 go1.26.8 linux/amd64' ;;
  "get kubeconfig") cat <<'EOF'
${kubeconfig}EOF
  ;;
  "create cluster") while [ $# -gt 0 ]; do [ "$1" = --config ] && cp "$2" '${dir}/seen-config.yaml'; shift; done ;;
esac`,
);
const dockerPath = shim(
  'docker',
  `case "$*" in
  "network inspect kind") [ -f '${state}' ] && echo '${inspectJson}' || { echo 'Error: No such network: kind' >&2; exit 1; } ;;
  "network ls --quiet") echo n1 ;;
  "network inspect --format"*) echo '172.17.0.0/16 198.19.0.0/24 ' ;;
  "network create"*) touch '${state}' ;;
esac`,
);

test('kind backend runs exactly: network check/create, create cluster --config, load docker-image, get kubeconfig, delete', async () => {
  // The shims are found the way a user's binaries are: on PATH (kind at the pinned minor release).
  const savedPath = process.env.PATH;
  process.env.PATH = `${dir}:${savedPath}`;
  delete process.env.L2BENCH_KIND;
  const located = await locateTool('kind', { build: false });
  process.env.PATH = savedPath;
  assert.deepEqual(located, { name: 'kind', path: kindPath, source: 'PATH' });
  writeFileSync(log, '');
  const scenario = resolveScenario(await loadScenario('seed-homelab'));
  const workDir = join(dir, 'work');
  {
    await using cluster = await StartedKindCluster.start({
      name: 'l2b-abc123-v01',
      scenario,
      kindPath: located.path,
      docker: new DockerCli(dockerPath),
      images: ['l2bench/announcer:0123abcd'],
      workDir,
    });
    assert.equal(cluster.kubeConfig().getCurrentCluster()?.server, 'https://127.0.0.1:40001');
    assert.equal(cluster.network.subnet, '198.19.224.0/19');
    assert.equal(cluster.controlPlaneContainer, 'l2b-abc123-v01-control-plane');
    const seen = parse(readFileSync(join(dir, 'seen-config.yaml'), 'utf8')) as {
      name: string;
      nodes: unknown[];
    };
    assert.equal(seen.name, 'l2b-abc123-v01');
    assert.equal(seen.nodes.length, 4);
  }
  const cfg = join(workDir, 'kind-config.yaml');
  const kc = join(workDir, 'kubeconfig');
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
    'docker network inspect kind',
    'docker network ls --quiet',
    'docker network inspect --format {{range .IPAM.Config}}{{.Subnet}} {{end}} n1',
    'docker network create --driver bridge --subnet 198.19.224.0/19 --gateway 198.19.224.1 --ip-range 198.19.224.0/20 -o com.docker.network.bridge.enable_ip_masquerade=true -o com.docker.network.driver.mtu=1500 --label l2bench.io/created-by=l2bench kind',
    'docker network inspect kind',
    `kind create cluster --name l2b-abc123-v01 --config ${cfg} --kubeconfig ${kc} --wait 180s`,
    'kind load docker-image l2bench/announcer:0123abcd --name l2b-abc123-v01',
    'kind get kubeconfig --name l2b-abc123-v01',
    `kind delete cluster --name l2b-abc123-v01 --kubeconfig ${kc}`,
  ]);
  assert.equal(existsSync(workDir), false, 'work dir removed');
});

test('a failed create deletes the half-made cluster and says so in one line', async () => {
  writeFileSync(log, '');
  const failing = shim(
    'kind-fail',
    `[ "$1" = create ] && { echo 'ERROR: failed to create cluster: node image not present' >&2; exit 1; }; exit 0`,
  );
  const scenario = resolveScenario(await loadScenario('seed-homelab'));
  await assert.rejects(
    StartedKindCluster.start({
      name: 'l2b-abc123-v02',
      scenario,
      kindPath: failing,
      docker: new DockerCli(dockerPath),
      images: [],
      workDir: join(dir, 'work2'),
    }),
    /kind create cluster l2b-abc123-v02 failed: .*node image not present/,
  );
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.match(lines.at(-1) ?? '', /^kind-fail delete cluster --name l2b-abc123-v02/);
});

test('no docker CLI: one line naming what to install or --backend local', async () => {
  await assert.rejects(
    new DockerCli(join(dir, 'no-such-docker')).requireEngine(),
    /not found: install Docker .* or use --backend local$/,
  );
});
