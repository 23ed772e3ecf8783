import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type {
  KubernetesObject,
  V1ClusterRole,
  V1DaemonSet,
  V1Deployment,
  V1Role,
} from '@kubernetes/client-node';
import { parseAgentConfig } from '../../announcer/config.js';
import { repoRoot } from '../paths.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { type ResolvedScenario, resolveScenario } from '../scenario/scenario-schema.js';
import { ANNOUNCER_CLUSTER_RULES, LEASE_RULES } from './announcer-rbac.js';
import { parseManifests } from './apply-manifests.js';
import { AGENT_NODE_LABEL, type ManifestOptions, systemNamespace } from './manifest-options.js';
import { runManifests, serviceManifests } from './run-manifests.js';
import { RUN_LABEL } from './scenario-objects.js';

function scenario(extra = ''): ResolvedScenario {
  const yaml = `name: m
nodes: {count: 3, unselected: {count: 1}}
services: {announced: 2, clusterIP: 1, unannounced: 1, namespace: bench}
announcer: {leaseDurationMs: 4s, renewDeadlineMs: 3s, retryPeriodMs: 1s, renewMode: update-first${extra}}
`;
  return resolveScenario(parseScenario(yaml, 'test'));
}

function options(s = scenario()): ManifestOptions {
  return {
    runId: 'abc123',
    scenario: s,
    image: {
      ref: 'l2bench/announcer:test',
      agentCommand: ['node', '/app/announcer/main.js'],
      echoCommand: ['node', '/app/echo-server.js'],
      pullPolicy: 'Never',
    },
    vipCidr: '198.19.0.192/26',
    agentNodeSelector: { [AGENT_NODE_LABEL]: 'true' },
  };
}

const find = <T>(objs: KubernetesObject[], kind: string, name?: string): T => {
  const o = objs.find((x) => x.kind === kind && (name === undefined || x.metadata?.name === name));
  assert.ok(o, `no ${kind} ${name ?? ''}`);
  return o as T;
};

test('every object of a run carries the run label', () => {
  const o = options();
  for (const obj of [...runManifests(o), ...serviceManifests(o)])
    assert.equal(obj.metadata?.labels?.[RUN_LABEL], 'abc123', `${obj.kind}/${obj.metadata?.name}`);
});

test('the agent DaemonSet: hostNetwork, NET_ADMIN and NET_RAW only, flags the agent accepts with the scenario values', () => {
  const ds = find<V1DaemonSet>(runManifests(options()), 'DaemonSet');
  const pod = ds.spec?.template.spec;
  assert.equal(pod?.hostNetwork, true);
  assert.deepEqual(pod?.nodeSelector, { [AGENT_NODE_LABEL]: 'true' });
  const c = pod?.containers[0];
  assert.deepEqual(c?.securityContext?.capabilities, { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] });
  assert.notEqual(c?.securityContext?.privileged, true);
  assert.equal(c?.imagePullPolicy, 'Never');
  // Kubernetes expands $(NODE_NAME) from the env; the agent then parses these flags in a pod.
  const args = (c?.args ?? []).map((a) => (a === '$(NODE_NAME)' ? 'worker-1' : a));
  const cfg = parseAgentConfig(args, { KUBERNETES_SERVICE_HOST: '10.96.0.1' });
  assert.ok(cfg !== 'help');
  assert.equal(cfg.kubeconfig, null);
  assert.equal(cfg.nodeName, 'worker-1');
  assert.equal(cfg.leaseNamespace, systemNamespace('abc123'));
  assert.equal(cfg.leaseDurationMs, 4000);
  assert.equal(cfg.renewDeadlineMs, 3000);
  assert.equal(cfg.retryPeriodMs, 1000);
  assert.equal(cfg.renewMode, 'update-first');
  assert.equal(cfg.operator, false);
});

test('the operator Deployment runs only the operator, one replica, without capabilities', () => {
  const d = find<V1Deployment>(runManifests(options()), 'Deployment', 'l2bench-ipam-operator-abc123');
  assert.equal(d.spec?.replicas, 1);
  const c = d.spec?.template.spec?.containers[0];
  assert.notEqual(d.spec?.template.spec?.hostNetwork, true);
  assert.deepEqual(c?.securityContext?.capabilities, { drop: ['ALL'] });
  const args = (c?.args ?? []).map((a) => (a === '$(NODE_NAME)' ? 'cp' : a));
  const cfg = parseAgentConfig(args, { KUBERNETES_SERVICE_HOST: '10.96.0.1' });
  assert.ok(cfg !== 'help' && cfg.operatorOnly && cfg.operator);
});

test('with an API server endpoint, agent and operator reach it directly (Cilium k8sServiceHost), else the Service', () => {
  const env = (o: ManifestOptions) =>
    runManifests(o).flatMap((x) =>
      x.kind === 'DaemonSet' || x.metadata?.name === 'l2bench-ipam-operator-abc123'
        ? [
            Object.fromEntries(
              ((x as V1Deployment).spec?.template.spec?.containers[0]?.env ?? []).map((e) => [
                e.name,
                e.value,
              ]),
            ),
          ]
        : [],
    );
  const direct = env({ ...options(), apiServer: { host: '198.19.224.5', port: 6443 } });
  assert.equal(direct.length, 2);
  for (const e of direct) {
    assert.equal(e.KUBERNETES_SERVICE_HOST, '198.19.224.5');
    assert.equal(e.KUBERNETES_SERVICE_PORT, '6443');
  }
  for (const e of env(options())) assert.equal(e.KUBERNETES_SERVICE_HOST, undefined);
});

test('the echo backend: one replica per agent node, on the Services targetPort, selected by the Services', () => {
  const o = options();
  const d = find<V1Deployment>(runManifests(o), 'Deployment', 'l2bench-echo-abc123');
  assert.equal(d.spec?.replicas, 4);
  assert.equal(d.metadata?.namespace, 'bench');
  const svc = serviceManifests(o)[0] as { spec: { selector: Record<string, string> } };
  for (const [k, v] of Object.entries(svc.spec.selector))
    assert.equal(d.spec?.template.metadata?.labels?.[k], v);
  assert.deepEqual(d.spec?.template.spec?.containers[0]?.args, ['$(NODE_NAME)', '8080']);
});

test('RBAC: the same cluster rules as announcer/deploy/rbac.yaml, leases only in the run namespace', () => {
  const file = parseManifests(
    readFileSync(join(repoRoot, 'announcer', 'deploy', 'rbac.yaml'), 'utf8'),
    'rbac.yaml',
  );
  const yamlCluster = find<V1ClusterRole>(file, 'ClusterRole', 'l2bench:announcer');
  const yamlLeases = find<V1Role>(file, 'Role', 'l2bench:announcer-leases');
  assert.deepEqual(yamlCluster.rules, ANNOUNCER_CLUSTER_RULES);
  assert.deepEqual(yamlLeases.rules, LEASE_RULES);

  const objs = runManifests(options());
  const clusterRoles = objs.filter((x) => x.kind === 'ClusterRole') as V1ClusterRole[];
  assert.equal(clusterRoles.length, 1);
  assert.ok(!clusterRoles[0]?.rules?.some((r) => r.resources?.includes('leases')), 'no cluster-wide leases');
  const roles = objs.filter((x) => x.kind === 'Role');
  assert.deepEqual(
    roles.map((r) => r.metadata?.namespace),
    [systemNamespace('abc123')],
  );
  // Agents and operator are a kube-system ServiceAccount, as Cilium's: APF's system-leader-election
  // FlowSchema matches their Lease requests only there.
  const binding = find<{ subjects: { kind: string; namespace: string; name: string }[] }>(
    objs,
    'ClusterRoleBinding',
  );
  assert.deepEqual(
    binding.subjects.map((s) => [s.kind, s.namespace, s.name]),
    [['ServiceAccount', 'kube-system', 'l2bench-announcer-abc123']],
  );
  for (const kind of ['ServiceAccount', 'DaemonSet'])
    assert.equal(find<KubernetesObject>(objs, kind).metadata?.namespace, 'kube-system');
  const ds = find<V1DaemonSet>(objs, 'DaemonSet');
  assert.equal(ds.spec?.template.spec?.serviceAccountName, 'l2bench-announcer-abc123');
  const args = ds.spec?.template.spec?.containers[0]?.args ?? [];
  assert.equal(args[args.indexOf('--lease-namespace') + 1], systemNamespace('abc123'));
});

test('RBAC: kube-vip lease names also get a lease Role in the services namespace', () => {
  const objs = runManifests(options(scenario(', leaseNameStyle: kube-vip')));
  const roles = objs.filter((x) => x.kind === 'Role').map((r) => r.metadata?.namespace);
  assert.deepEqual(roles, [systemNamespace('abc123'), 'bench']);
});

test('the pool block is the backend range unless the scenario sets one', () => {
  const pool = find<{ spec: { blocks: unknown[] } }>(runManifests(options()), 'CiliumLoadBalancerIPPool');
  assert.deepEqual(pool.spec.blocks, [{ cidr: '198.19.0.192/26' }]);
});
