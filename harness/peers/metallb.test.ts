import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  METALLB_NAMESPACE,
  metallbControllerArgs,
  metallbCrds,
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
  const peer = crds.find((c) => c.metadata.name === 'bgppeers.metallb.io')!;
  assert.deepEqual(
    peer.spec.versions.map((v) => [v.name, v.storage]),
    [
      ['v1beta1', false],
      ['v1beta2', true],
    ],
  );
});

test('speaker: memberlist on the node address, peers found by label, key from a file', () => {
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
});

test('controller: no webhook, its metrics port from the caller; pool and advertisement in its namespace', () => {
  const args = metallbControllerArgs({ metricsPort: 17472 });
  assert.ok(args.includes('--webhook-mode=disabled'));
  assert.ok(args.includes('--port=17472'));
  const [pool, adv] = metallbPoolObjects({ start: '198.18.1.10', stop: '198.18.1.20' }, {}) as unknown as {
    kind: string;
    metadata: { namespace: string };
    spec: { addresses?: string[]; ipAddressPools?: string[] };
  }[];
  assert.equal(pool!.kind, 'IPAddressPool');
  assert.deepEqual(pool!.spec.addresses, ['198.18.1.10-198.18.1.20']);
  assert.deepEqual(adv!.spec.ipAddressPools, ['l2bench']);
  assert.equal(adv!.metadata.namespace, METALLB_NAMESPACE);
});

test('RBAC: speakers bound by node identity, nobody may write Leases or delete services', () => {
  const objs = metallbRbacObjects(['n0', 'n1'], {}) as unknown as {
    kind: string;
    rules?: { resources: string[]; verbs: string[] }[];
    subjects?: { name: string }[];
  }[];
  const rules = objs.flatMap((o) => o.rules ?? []);
  assert.ok(!rules.some((r) => r.resources.includes('leases')), 'MetalLB elects without Leases');
  assert.ok(!rules.some((r) => r.resources.includes('services') && r.verbs.includes('delete')));
  const speakerSubjects = objs.filter((o) => o.kind.endsWith('Binding')).flatMap((o) => o.subjects ?? []);
  assert.ok(speakerSubjects.some((s) => s.name === 'l2bench:announcer:n1'));
});
