import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { AGENT_NODE_LABEL } from '../../manifests/manifest-options.js';
import { loadScenario, parseScenario } from '../../scenario/scenario-file.js';
import { resolveScenario } from '../../scenario/scenario-schema.js';
import { deriveKindConfig, kindClusterName, kindConfigYaml, loadKindConfig } from './kind-config.js';

test('kind-config.yaml: one control-plane, three homelab workers, kube-proxy in iptables mode', () => {
  const c = loadKindConfig();
  assert.equal(c.networking?.kubeProxyMode, 'iptables');
  assert.deepEqual(
    c.nodes.map((n) => [n.role, n.labels?.['homelab/role']]),
    [
      ['control-plane', 'control-plane'],
      ['worker', 'worker'],
      ['worker', 'worker'],
      ['worker', 'worker'],
    ],
  );
});

test('seed-homelab derives the seed: 3 selected workers, the control-plane as the unselected agent node', async () => {
  const s = resolveScenario(await loadScenario('seed-homelab'));
  const c = deriveKindConfig(loadKindConfig(), s, 'l2b-abc123-v01');
  assert.equal(c.name, 'l2b-abc123-v01');
  assert.deepEqual(
    c.nodes.map((n) => [n.role, n.labels]),
    [
      ['control-plane', { 'homelab/role': 'control-plane', [AGENT_NODE_LABEL]: 'true' }],
      ['worker', { 'homelab/role': 'worker', [AGENT_NODE_LABEL]: 'true' }],
      ['worker', { 'homelab/role': 'worker', [AGENT_NODE_LABEL]: 'true' }],
      ['worker', { 'homelab/role': 'worker', [AGENT_NODE_LABEL]: 'true' }],
    ],
  );
  // Everything but nodes and name passes through, and the YAML round-trips.
  assert.equal(c.networking?.kubeProxyMode, 'iptables');
  assert.deepEqual(parse(kindConfigYaml(c)), c);
});

test('M workers and the scenario labels; no unselected node leaves the control-plane without an agent', () => {
  const s = resolveScenario(
    parseScenario('name: x\nnodes: {count: 5, labels: {tier: edge}}\nservices: {announced: 1}\n', 't'),
  );
  const c = deriveKindConfig(loadKindConfig(), s, 'n');
  assert.equal(c.nodes.length, 6);
  assert.deepEqual(c.nodes[0]?.labels, { 'homelab/role': 'control-plane' });
  for (const w of c.nodes.slice(1)) assert.deepEqual(w.labels, { tier: 'edge', [AGENT_NODE_LABEL]: 'true' });
});

test('extra unselected nodes become workers with the unselected labels', () => {
  const s = resolveScenario(
    parseScenario('name: x\nnodes: {count: 2, unselected: {count: 3}}\nservices: {announced: 1}\n', 't'),
  );
  const c = deriveKindConfig(loadKindConfig(), s, 'n');
  assert.deepEqual(
    c.nodes.map((n) => `${n.role}:${n.labels?.['homelab/role']}:${n.labels?.[AGENT_NODE_LABEL] ?? '-'}`),
    [
      'control-plane:control-plane:true',
      'worker:worker:true',
      'worker:worker:true',
      'worker:control-plane:true',
      'worker:control-plane:true',
    ],
  );
});

test('cluster names: run and variant number, lower-case, within kind limit', () => {
  assert.equal(kindClusterName('1a2b3c', 'v01-announced=5_selection=policy'), 'l2b-1a2b3c-v01');
  assert.equal(kindClusterName('1a2b3c', 'v12-base'), 'l2b-1a2b3c-v12');
  assert.throws(() => kindClusterName('x'.repeat(60), 'v01'), /kind allows 50/);
});
