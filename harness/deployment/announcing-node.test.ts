import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Lease } from '@kubernetes/client-node';
import { rendezvousOwner, shardOf } from '../../announcer/election/placement-hash.js';
import { liveNodeLeaseHolders, serviceLease } from './announcing-node.js';

const svc = { namespace: 'default', name: 'public-7' };

test('each strategy names the Lease that decides who announces a service', () => {
  assert.deepEqual(serviceLease({ kind: 'per-service' }, svc, 'cilium'), {
    leaseName: 'cilium-l2announce-default-public-7',
    leaseNamespace: 'kube-system',
  });
  assert.deepEqual(serviceLease({ kind: 'per-service' }, svc, 'kube-vip'), {
    leaseName: 'kubevip-public-7',
    leaseNamespace: 'default',
  });
  assert.deepEqual(serviceLease({ kind: 'per-service-watch' }, svc, 'kube-vip'), {
    leaseName: 'kubevip-public-7',
    leaseNamespace: 'kube-system',
  });
  const k = shardOf('default/public-7', 8);
  assert.deepEqual(serviceLease({ kind: 'sharded', shards: 8 }, svc, 'cilium'), {
    leaseName: `l2bench-shard-${k}-of-8`,
    leaseNamespace: 'kube-system',
  });
  assert.equal(serviceLease({ kind: 'node-lease' }, svc, 'cilium').leaseName, null);
});

function lease(holder: string, renewedMsAgo: number, durationSeconds = 15, policies?: string): V1Lease {
  return {
    metadata: {
      name: `l2bench-node-${holder}`,
      ...(policies === undefined ? {} : { annotations: { 'l2bench.io/policies': policies } }),
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: durationSeconds,
      renewTime: new Date(1_000_000 - renewedMsAgo) as never,
    },
  };
}

test('live node leases: held, renewed within their duration, publishing a policy', () => {
  const leases = [lease('a', 1000), lease('b', 16_000), lease('c', 14_000, 15, 'p1'), lease('d', 0, 15, '')];
  const live = liveNodeLeaseHolders(leases, 1_000_000);
  assert.deepEqual(live, ['a', 'c']);
  // The harness's choice is the announcer's own rendezvous ranking over the live nodes.
  assert.ok(['a', 'c'].includes(rendezvousOwner('default/public-7', live)!));
});
