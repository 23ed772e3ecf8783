import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTROL_PLANE_CONTAINERS, containerCpu, type StatsSummary } from './kubelet-stats.js';

// Shaped like a kind control-plane node's /stats/summary (trimmed).
const summary: StatsSummary = {
  pods: [
    {
      podRef: { name: 'etcd-l2b-abc123-v01-control-plane', namespace: 'kube-system' },
      containers: [
        {
          name: 'etcd',
          cpu: { usageCoreNanoSeconds: 41_250_000_000 },
          memory: { workingSetBytes: 52_000_000 },
        },
      ],
    },
    {
      podRef: { name: 'kube-apiserver-l2b-abc123-v01-control-plane', namespace: 'kube-system' },
      containers: [
        {
          name: 'kube-apiserver',
          cpu: { usageCoreNanoSeconds: 187_500_000_000 },
          memory: { rssBytes: 300_000_000, workingSetBytes: 310_000_000 },
        },
      ],
    },
    {
      podRef: { name: 'kube-apiserver-lookalike', namespace: 'default' },
      containers: [{ name: 'kube-apiserver', cpu: { usageCoreNanoSeconds: 1 } }],
    },
  ],
};

test('control-plane CPU from the kubelet summary: static pods in kube-system, cumulative seconds', () => {
  assert.deepEqual(containerCpu(summary, CONTROL_PLANE_CONTAINERS['kube-apiserver']), {
    cpuSeconds: 187.5,
    rssBytes: 300_000_000,
  });
  assert.deepEqual(containerCpu(summary, CONTROL_PLANE_CONTAINERS.etcd), {
    cpuSeconds: 41.25,
    rssBytes: 52_000_000,
  });
  assert.equal(
    containerCpu(summary, {
      namespace: 'kube-system',
      podPrefix: 'kube-scheduler-',
      container: 'kube-scheduler',
    }),
    null,
  );
  assert.equal(containerCpu({}, CONTROL_PLANE_CONTAINERS.etcd), null);
});
