/**
 * Every manifest the kind and cluster backends generate, checked by a real kube-apiserver (the
 * local backend's) with server-side dry-run and strict field validation: a misspelt field, a
 * wrong type or a missing required field fails here, not on someone's cluster.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { applyManifests } from '../../harness/manifests/apply-manifests.js';
import {
  AGENT_NODE_LABEL,
  type ManifestOptions,
  systemNamespace,
} from '../../harness/manifests/manifest-options.js';
import {
  crdManifests,
  namespaceManifest,
  runManifests,
  serviceManifests,
} from '../../harness/manifests/run-manifests.js';
import { serverSideApply } from '../../harness/manifests/server-side-apply.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { resolveScenario } from '../../harness/scenario/scenario-schema.js';

const asRoot = process.getuid?.() === 0;

test('every generated manifest passes server-side dry-run with strict validation; a broken one does not', {
  skip: !asRoot && 'needs root',
}, async () => {
  await using cluster = await StartedLocalCluster.start({ nodes: 1, nodeLabels: () => ({}) });
  const kc = cluster.kubeConfig();
  const runId = cluster.runId;
  const variants = [
    'announcer: {leaseNameStyle: cilium, selection: policy}',
    'announcer: {leaseNameStyle: kube-vip, selection: all-services, renewMode: update-first}',
  ];
  // CRDs and namespaces for real: dry-run objects cannot refer to a kind or namespace that is not there.
  await applyManifests(kc, crdManifests());
  await serverSideApply(kc, [
    namespaceManifest(systemNamespace(runId), runId),
    namespaceManifest('bench', runId),
  ]);
  for (const extra of variants) {
    const scenario = resolveScenario(
      parseScenario(
        `name: dry\nnodes: {count: 3, unselected: {count: 1}}\nservices: {announced: 2, clusterIP: 1, unannounced: 1, namespace: bench}\n${extra}\n`,
        'dry-run test',
      ),
    );
    const o: ManifestOptions = {
      runId,
      scenario,
      image: {
        ref: 'l2bench/announcer:dry-run',
        agentCommand: ['node', '/opt/l2bench/announcer/main.js'],
        echoCommand: ['node', '/opt/l2bench/echo-server.js'],
        pullPolicy: 'Never',
      },
      vipCidr: '198.19.0.192/26',
      agentNodeSelector: { [AGENT_NODE_LABEL]: 'true' },
    };
    const objects = [...runManifests(o), ...serviceManifests(o)];
    assert.ok(objects.length >= 14, `only ${objects.length} objects`);
    await serverSideApply(kc, objects, { dryRun: true });
  }

  // Dry-run really validates: each broken copy of a generated object is refused with its field named.
  const scenario = resolveScenario(
    parseScenario('name: dry\nnodes: {count: 1}\nservices: {announced: 1}\n', 't'),
  );
  const base = runManifests({
    runId,
    scenario,
    image: { ref: 'x', agentCommand: ['x'], echoCommand: ['x'], pullPolicy: 'Never' },
    vipCidr: '198.19.0.192/26',
  });
  const ds = base.find((x) => x.kind === 'DaemonSet') as KubernetesObject & {
    spec: { template: { spec: Record<string, unknown> } };
  };
  const misspelt = structuredClone(ds);
  misspelt.spec.template.spec.hostNetwrok = true;
  await assert.rejects(serverSideApply(kc, [misspelt], { dryRun: true }), /hostNetwrok/);
  const wrongType = structuredClone(ds);
  wrongType.spec.template.spec.hostNetwork = 'yes';
  await assert.rejects(serverSideApply(kc, [wrongType], { dryRun: true }), /hostNetwork: expected boolean/);
  const pool = base.find((x) => x.kind === 'CiliumLoadBalancerIPPool') as KubernetesObject & {
    spec: unknown;
  };
  await assert.rejects(
    serverSideApply(kc, [{ ...pool, spec: { blocks: [{ cidr: 12 }] } } as KubernetesObject], {
      dryRun: true,
    }),
    /HTTP \d{3}.*cidr/,
  );
  // Nothing the dry-runs named was persisted.
  const { AppsV1Api } = await import('@kubernetes/client-node');
  const sets = await kc.makeApiClient(AppsV1Api).listDaemonSetForAllNamespaces();
  assert.equal(sets.items.length, 0);
});
