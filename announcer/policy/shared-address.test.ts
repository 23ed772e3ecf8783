import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeStrategy } from '../election/election-strategy.js';
import { FakeClock } from '../election/fake-clock.js';
import { FakeLeaseStore } from '../election/fake-lease-store.js';
import { seededRandom } from '../election/seeded-random.js';
import { leaseFor } from './lease-name.js';
import type { Announcement } from './select-announcements.js';
import { electPerAddress } from './shared-address.js';

const NS = 'kube-system';

function ann(service: string, vips: string[]): Announcement {
  const [namespace = '', name = ''] = service.split('/');
  return {
    service,
    lease: leaseFor({ namespace, name }, 'cilium', NS),
    vips,
    iface: 'eth0',
    policy: 'p',
    selectingPolicies: ['p'],
  };
}

test('services sharing an address take the lease of the first by name; others keep theirs', () => {
  const out = electPerAddress([
    ann('default/b', ['198.18.8.1']),
    ann('default/a', ['198.18.8.1']),
    ann('default/c', ['198.18.8.2']),
    ann('default/d', []),
  ]);
  assert.deepEqual(
    out.map((a) => [a.service, a.lease.name, a.electAs ?? null]),
    [
      ['default/b', 'cilium-l2announce-default-a', 'default/a'],
      ['default/a', 'cilium-l2announce-default-a', 'default/a'],
      ['default/c', 'cilium-l2announce-default-c', null],
      ['default/d', 'cilium-l2announce-default-d', null],
    ],
  );
});

test('groups are transitive: a dual-stack sharer links two addresses', () => {
  const out = electPerAddress([
    ann('default/x', ['198.18.8.1']),
    ann('default/y', ['198.18.8.1', '198.18.8.2']),
    ann('default/z', ['198.18.8.2']),
  ]);
  assert.deepEqual(new Set(out.map((a) => a.electAs)), new Set(['default/x']));
});

const T0 = Date.UTC(2026, 11, 2, 19, 0, 0);
const timings = { leaseDurationMs: 4000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

/**
 * Two nodes run per-service elections for two services that share 198.18.8.1, after a failover
 * left service a's lease with node-a and b's with node-b. Returns the nodes that would bind it.
 */
async function carriersOfSharedVip(perAddress: boolean): Promise<string[]> {
  const clock = new FakeClock(T0);
  const store = new FakeLeaseStore(clock);
  for (const [svc, holder] of [
    ['a', 'node-a'],
    ['b', 'node-b'],
  ] as const)
    store.put(NS, `cilium-l2announce-default-${svc}`, {
      holderIdentity: holder,
      leaseDurationSeconds: 4,
      acquireTimeMs: T0,
      renewTimeMs: T0,
      leaseTransitions: 0,
    });
  const raw = [ann('default/a', ['198.18.8.1']), ann('default/b', ['198.18.8.1'])];
  const announcements = perAddress ? electPerAddress(raw) : raw;
  const leading = new Set<string>();
  const electors = [];
  for (const node of ['node-a', 'node-b']) {
    const client = store.client();
    const strategy = makeStrategy({
      spec: { kind: 'per-service' },
      base: { identity: node, ...timings, renewMode: 'get-then-update', stepDown: 'on-observe' },
      leaseNamespace: NS,
      client,
      watchApi: client,
      clock,
      random: seededRandom(node.length),
    });
    // The agent's grouping: one elector per election key.
    const keys = new Map<string, Announcement[]>();
    for (const a of announcements) {
      const ref = strategy.electionFor(a);
      keys.set(ref.key, [...(keys.get(ref.key) ?? []), a]);
    }
    for (const [key, members] of keys) {
      const ref = strategy.electionFor(members[0]!);
      const e = strategy.makeElector(ref, () => members, {
        onStartedLeading: () => leading.add(`${node} ${key}`),
        onStoppedLeading: () => leading.delete(`${node} ${key}`),
      });
      void e.run();
      electors.push(e);
    }
  }
  await clock.advance(10_000);
  const nodes = [...leading].map((l) => l.split(' ')[0]!);
  for (const e of electors) await e.stop({ release: false });
  return [...new Set(nodes)].sort();
}

test('per-service election (Cilium, cilium/cilium#48419): two nodes carry the shared address', async () => {
  assert.deepEqual(await carriersOfSharedVip(false), ['node-a', 'node-b']);
});

test('per-address election: one node carries the shared address', async () => {
  assert.deepEqual(await carriersOfSharedVip(true), ['node-a']);
});
