import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { WindowRecord } from '../results/results-schema.js';
import { firstSaturation, summarizeControlPlane } from './summarize-control-plane.js';

function win(
  phase: WindowRecord['phase'],
  startMs: number,
  o: { leaderElection?: number; wait?: number | null; rejected?: number; holderChanges?: number } = {},
): WindowRecord {
  const le = o.leaderElection ?? 1;
  return {
    type: 'window',
    variantId: 'v',
    repetition: 0,
    phase,
    startMs,
    endMs: startMs + 10_000,
    cpuMillicores: {
      apiserver: 100,
      etcd: 20,
      controlPlane: 120,
      controllerManager: 15,
      scheduler: 3,
      announcers: 0,
      harness: 0,
    },
    leaseRequests: [],
    etcd: { writesPerSecond: null, fsyncsPerSecond: null, dbSizeGrowthBytes: null },
    announcerRssBytes: null,
    apf: {
      levels: [
        {
          priorityLevel: 'leader-election',
          dispatchedPerSecond: le,
          rejected: o.rejected ?? 0,
          waitP99Seconds: o.wait ?? 0,
          seatsInUse: 1,
          seatLimit: 25,
        },
      ],
      flowSchemas: [
        { flowSchema: 'system-leader-election', priorityLevel: 'leader-election', dispatchedPerSecond: le },
      ],
    },
    controlPlaneLeases: [
      {
        name: 'kube-controller-manager',
        renewals: 5,
        maxRenewGapMs: 2000,
        holderChanges: o.holderChanges ?? 0,
        heldAtEnd: true,
      },
    ],
  };
}

test("the agents' FlowSchema is the one that grew from idle to announce, and its level is reported", () => {
  const s = summarizeControlPlane([
    {
      baseline: win('baseline', 0),
      idle: win('idle', 40_000, { leaderElection: 2 }),
      announce: win('announce', 20_000, { leaderElection: 12 }),
    },
  ]);
  assert.deepEqual(
    s.agentFlowSchemas.map((f) => [f.flowSchema, f.priorityLevel, f.netDispatchedPerSecond.median]),
    [['system-leader-election', 'leader-election', 10]],
  );
  assert.equal(s.priorityLevels[0]?.netDispatchedPerSecond.median, 10);
  assert.deepEqual(
    s.componentsMillicores.filter((c) => c.component === 'kube-scheduler').map((c) => c.phase),
    ['baseline', 'idle', 'announce'],
  );
  assert.deepEqual(s.saturation, []);
  assert.equal(s.leases[0]?.renewals, 15);
});

test('signals are reported in the order their first window started', () => {
  const s = summarizeControlPlane([
    { baseline: win('baseline', 0), announce: win('announce', 20_000, { rejected: 4 }) },
    {
      baseline: win('baseline', 40_000, { holderChanges: 1 }),
      announce: win('announce', 60_000, { wait: 0.5 }),
    },
  ]);
  assert.deepEqual(
    s.saturation.map((x) => x.signal),
    ['reject leader-election', 'lease kube-controller-manager', 'queue leader-election'],
  );
  // A queue wait at the threshold's bucket (5 ms) is not a signal.
  assert.deepEqual(summarizeControlPlane([{ announce: win('announce', 0, { wait: 0.005 }) }]).saturation, []);
});

test('the first saturating variant is the first in run order with any signal', () => {
  const quiet = { id: 'a', controlPlane: { saturation: [] } };
  const busy = {
    id: 'b',
    controlPlane: { saturation: [{ signal: 'queue leader-election', firstWindowStartMs: 5 }] },
  };
  assert.deepEqual(firstSaturation([quiet, busy, { ...busy, id: 'c' }]), {
    variantId: 'b',
    signal: 'queue leader-election',
    signals: ['queue leader-election'],
  });
  assert.equal(firstSaturation([quiet]), null);
});
