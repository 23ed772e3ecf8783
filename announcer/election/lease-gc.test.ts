import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectLeases, type LeaseGcApi } from './lease-gc.js';
import type { WatchedLease } from './lease-watch.js';

function lease(name: string, holderIdentity: string): WatchedLease {
  return {
    name,
    holderIdentity,
    leaseDurationSeconds: 15,
    acquireTimeMs: null,
    renewTimeMs: null,
    leaseTransitions: 0,
    resourceVersion: '1',
    labels: {},
    annotations: {},
  };
}

test('lease GC lists the whole namespace and deletes only unheld leases with the prefix', async () => {
  const calls: string[] = [];
  const api: LeaseGcApi = {
    list: async (ns, selector) => {
      calls.push(`list ${ns} '${selector}'`);
      return {
        items: [
          lease('cilium-l2announce-default-a', ''),
          lease('cilium-l2announce-default-b', 'n1'),
          lease('kube-controller-manager', ''),
        ],
      };
    },
    delete: async (ns, name) => void calls.push(`delete ${ns}/${name}`),
  };
  const deleted = await collectLeases({ api, namespace: 'kube-system', prefix: 'cilium-l2announce' });
  assert.deepEqual(deleted, ['cilium-l2announce-default-a']);
  assert.deepEqual(calls, ["list kube-system ''", 'delete kube-system/cilium-l2announce-default-a']);
});
