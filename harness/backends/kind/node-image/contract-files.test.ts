import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { contractFiles } from './build-node-image.js';
import { bridgeConflist } from './pod-network.js';

const byPath = new Map(contractFiles().map((f) => [f.path, f]));
const file = (p: string) => {
  const f = byPath.get(p);
  assert.ok(f, `${p} is in the node image`);
  return f;
};

test('every shell script of the node image parses (bash -n) and is executable', () => {
  for (const p of ['/usr/local/bin/entrypoint', '/kind/bin/l2b-pod-network']) {
    const f = file(p);
    assert.equal(f.mode, 0o755);
    const r = spawnSync('bash', ['-n'], { input: f.content });
    assert.equal(r.status, 0, `${p}: ${r.stderr}`);
    assert.doesNotMatch(f.content, /\$\{[A-Z_]+\}/, `${p}: a JS template placeholder was left in`);
  }
});

test('the entrypoint logs what kind waits for and hands over to its arguments (systemd)', () => {
  const e = file('/usr/local/bin/entrypoint').content;
  // kind v0.30.0 waits for /detected cgroup v1/ (or systemd's Multi-User line on v2) in the log.
  assert.match(e, /info 'detected cgroup v1'/);
  assert.match(e, /exec "\$@"\s*$/);
});

test('kubelet starts after the images are in containerd; containerd uses Debian plugin dir and systemd cgroups', () => {
  assert.match(file('/etc/systemd/system/kubelet.service').content, /After=.*l2b-load-images\.service/);
  const c = file('/etc/containerd/config.toml').content;
  assert.match(c, /bin_dir = "\/usr\/lib\/cni"/);
  assert.match(c, /SystemdCgroup = true/);
  assert.match(c, /sandbox_image = "registry\.k8s\.io\/pause:3\.10"/);
  assert.equal(file('/kind/version').content.trim(), 'v1.32.13');
});

test('the pod network config puts the node CIDR on a bridge without masquerading', () => {
  const c = JSON.parse(bridgeConflist('10.244.1.0/24'));
  assert.equal(c.plugins[0].type, 'bridge');
  assert.equal(c.plugins[0].ipMasq, false);
  assert.deepEqual(c.plugins[0].ipam.ranges, [[{ subnet: '10.244.1.0/24' }]]);
});

test('the default CNI manifest lets nodes list Node objects (1.32 lets a node read only its own)', () => {
  const docs = parseAllDocuments(file('/kind/manifests/default-cni.yaml').content).map((d) => d.toJS());
  const role = docs.find((d) => d.kind === 'ClusterRole');
  const binding = docs.find((d) => d.kind === 'ClusterRoleBinding');
  assert.deepEqual(role?.rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]);
  assert.equal(binding?.roleRef.name, role?.metadata.name);
  assert.deepEqual(
    binding?.subjects.map((s: { kind: string; name: string }) => `${s.kind}/${s.name}`),
    ['Group/system:nodes'],
  );
});
