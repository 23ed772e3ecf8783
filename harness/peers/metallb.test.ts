import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import {
  METALLB_NAMESPACE,
  metallbControllerArgs,
  metallbCrds,
  metallbEndpointSlice,
  metallbPoolObjects,
  metallbRbacObjects,
  metallbSpeakerArgs,
  metallbSpeakerPod,
} from './metallb.js';

test('eight namespaced metallb.io CRDs of our own, BGPPeer stored as v1beta2', () => {
  const crds = metallbCrds({ 'l2bench.io/run': 'r' }) as unknown as {
    metadata: { name: string };
    spec: { scope: string; versions: { name: string; storage: boolean }[] };
  }[];
  assert.equal(crds.length, 8);
  assert.ok(crds.every((c) => c.spec.scope === 'Namespaced' && c.metadata.name.endsWith('.metallb.io')));
  // Through client-node's typed serializer (as applyManifests sends it) spec keeps its fields.
  const wire = JSON.stringify(ObjectSerializer.serialize(crds[0], 'V1CustomResourceDefinition'));
  assert.match(wire, /"spec":\{"type":"object","x-kubernetes-preserve-unknown-fields":true\}/);
  const peer = crds.find((c) => c.metadata.name === 'bgppeers.metallb.io')!;
  assert.deepEqual(
    peer.spec.versions.map((v) => [v.name, v.storage]),
    [
      ['v1beta1', false],
      ['v1beta2', true],
    ],
  );
});

test('speaker: memberlist on the node address, peers found by label, key from a file, its own Pod named', () => {
  const args = metallbSpeakerArgs({ nodeName: 'n1', nodeAddress: '198.18.0.11', keyDir: '/w/ml' });
  assert.ok(args.includes('--ml-bindaddr=198.18.0.11'));
  assert.ok(args.includes('--node-name=n1'));
  assert.ok(args.includes('--ml-secret-key-path=/w/ml'));
  assert.ok(args.includes(`--namespace=${METALLB_NAMESPACE}`));
  const { pod, status } = metallbSpeakerPod({ name: 'n1', address: '198.18.0.11' }, {});
  const selector = args.find((a) => a.startsWith('--ml-labels='))!.slice('--ml-labels='.length);
  const [k, v] = selector.split('=');
  assert.equal(pod.metadata?.labels?.[k!], v);
  assert.equal(status.podIP, '198.18.0.11');
  // The speaker reads its own Pod at start and exits when it cannot.
  assert.ok(args.includes(`--pod-name=${pod.metadata?.name}`));
  // Daemon Pods' tolerations: no kubelet heartbeats, so the nodes get tainted unreachable.
  const tolerations = (pod as unknown as { spec: { tolerations: { key: string; effect: string }[] } }).spec
    .tolerations;
  assert.ok(tolerations.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'));
});

test('controller: no webhook, its metrics port from the caller; pool and advertisement in its namespace', () => {
  const args = metallbControllerArgs({ metricsPort: 17472 });
  assert.ok(args.includes('--webhook-mode=disabled'));
  assert.ok(args.includes('--port=17472'));
  const [ns, pool, adv] = metallbPoolObjects(['198.18.1.8/29'], {}) as unknown as {
    kind: string;
    metadata: { name: string; namespace: string };
    spec: { addresses?: string[]; ipAddressPools?: string[]; autoAssign?: boolean };
  }[];
  assert.equal(ns!.kind, 'Namespace');
  assert.equal(ns!.metadata.name, METALLB_NAMESPACE);
  assert.equal(pool!.kind, 'IPAddressPool');
  assert.deepEqual(pool!.spec.addresses, ['198.18.1.8/29']);
  // Only services that ask for the pool get an address: unannounced ones stay unannounced.
  assert.equal(pool!.spec.autoAssign, false);
  assert.deepEqual(adv!.spec.ipAddressPools, ['l2bench']);
  assert.equal(adv!.metadata.namespace, METALLB_NAMESPACE);
});

test('RBAC: its own ServiceAccounts, nobody may write Leases or delete services', () => {
  const objs = metallbRbacObjects({}) as unknown as {
    kind: string;
    rules?: { resources: string[]; verbs: string[] }[];
    subjects?: { name: string }[];
  }[];
  const rules = objs.flatMap((o) => o.rules ?? []);
  assert.ok(!rules.some((r) => r.resources.includes('leases')), 'MetalLB elects without Leases');
  assert.ok(!rules.some((r) => r.resources.includes('services') && r.verbs.includes('delete')));
  const subjects = objs.filter((o) => o.kind.endsWith('Binding')).flatMap((o) => o.subjects ?? []);
  assert.deepEqual([...new Set(subjects.map((s) => s.name))].sort(), ['controller', 'speaker']);
  assert.equal(objs.filter((o) => o.kind === 'ServiceAccount').length, 2);
});

test('EndpointSlice: one ready endpoint, owned by its service, not the EndpointSlice controller’s', () => {
  const slice = metallbEndpointSlice(
    { name: 's0', namespace: 'default', uid: 'u1' },
    { name: 'n0', address: '198.18.0.11' },
    { name: 'http-port', targetPort: 8080 },
    {},
  ) as unknown as {
    metadata: { labels: Record<string, string>; ownerReferences: { uid: string }[] };
    endpoints: { addresses: string[]; conditions: { ready: boolean } }[];
  };
  assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 's0');
  assert.notEqual(
    slice.metadata.labels['endpointslice.kubernetes.io/managed-by'],
    'endpointslice-controller.k8s.io',
  );
  assert.equal(slice.metadata.ownerReferences[0]?.uid, 'u1');
  assert.deepEqual(
    slice.endpoints.map((e) => [e.addresses, e.conditions.ready]),
    [[['198.18.0.11'], true]],
  );
});
