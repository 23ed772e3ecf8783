import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  candidate,
  DEADLINE_MS,
  LEASE,
  LEASE_MS,
  MAX_CANDIDATE_PERIOD_MS,
  MODES,
  NS,
  RETRY_MS,
  setup,
  T0,
} from './testing/elector-fixtures.js';

test('a lone candidate creates the lease and renews it right away, as wait.Until does', async () => {
  const { clock, store } = setup();
  const a = candidate('node-a', store, clock);
  await clock.advance(0);
  assert.deepEqual(a.started, [0]);
  assert.deepEqual(a.newLeaders, ['node-a']);
  assert.equal(a.elector.isLeader(), true);
  assert.equal(a.elector.observedHolder(), 'node-a');
  assert.deepEqual(
    a.attempts.map((x) => x.result),
    ['acquired', 'renewed'],
  );
  const lease = store.peek(NS, LEASE);
  assert.deepEqual(
    { ...lease, resourceVersion: undefined },
    {
      holderIdentity: 'node-a',
      leaseDurationSeconds: 15,
      acquireTimeMs: T0,
      renewTimeMs: T0,
      leaseTransitions: 0,
      resourceVersion: undefined,
    },
  );
  assert.deepEqual(store.labels(NS, LEASE), { 'l2bench.io/run': 'test' });
  await a.elector.stop({ release: false });
  await a.done;
  assert.equal(clock.pendingTimers, 0);
});

test('takeover only after observedTime + leaseDuration, whatever renewTime says', async () => {
  const { clock, store } = setup();
  // renewTime an hour in the past: a candidate that compared it with its clock would take over at once.
  store.put(NS, LEASE, {
    holderIdentity: 'gone',
    leaseDurationSeconds: 15,
    acquireTimeMs: T0 - 3_600_000,
    renewTimeMs: T0 - 3_600_000,
    leaseTransitions: 3,
  });
  const b = candidate('node-b', store, clock);
  await clock.advance(LEASE_MS + MAX_CANDIDATE_PERIOD_MS);

  const before = b.attempts.filter((x) => x.atMs < LEASE_MS);
  assert.ok(before.length >= 4, `${before.length} attempts before expiry`);
  assert.ok(before.every((x) => x.result === 'held-by-other'));
  assert.equal(b.started.length, 1);
  const takeoverMs = b.started[0] ?? Number.NaN;
  assert.ok(
    takeoverMs >= LEASE_MS && takeoverMs < LEASE_MS + MAX_CANDIDATE_PERIOD_MS,
    `took over at ${takeoverMs}`,
  );
  assert.deepEqual(b.newLeaders, ['gone', 'node-b']);
  const lease = store.peek(NS, LEASE);
  assert.equal(lease?.holderIdentity, 'node-b');
  assert.equal(lease?.leaseTransitions, 4);
  assert.equal(lease?.acquireTimeMs, T0 + takeoverMs);
  await b.elector.stop({ release: false });
});

test('a candidate never takes over while the holder keeps changing the record', async () => {
  const { clock, store } = setup();
  const foreign = {
    holderIdentity: 'other',
    leaseDurationSeconds: 15,
    acquireTimeMs: T0,
    leaseTransitions: 0,
  };
  store.put(NS, LEASE, { ...foreign, renewTimeMs: T0 });
  const b = candidate('node-b', store, clock);
  let lastRenewMs = 0;
  for (let t = RETRY_MS; t <= 300_000; t += RETRY_MS) {
    await clock.advance(RETRY_MS);
    store.put(NS, LEASE, { ...foreign, renewTimeMs: T0 + t });
    lastRenewMs = t;
  }
  assert.deepEqual(b.started, []);
  // The holder dies: the candidate's timer runs from the first read that showed the last change.
  await clock.advance(LEASE_MS + 2 * MAX_CANDIDATE_PERIOD_MS);
  const takeoverMs = b.started[0] ?? Number.NaN;
  assert.ok(takeoverMs >= lastRenewMs + LEASE_MS, `took over at ${takeoverMs}, last renewal ${lastRenewMs}`);
  assert.ok(takeoverMs < lastRenewMs + LEASE_MS + 2 * MAX_CANDIDATE_PERIOD_MS);
  await b.elector.stop({ release: false });
});

for (const mode of MODES) {
  test(`${mode}: a holder whose renewals fail stops leading renewDeadline after the round began`, async () => {
    const { clock, store } = setup();
    const a = candidate('node-a', store, clock, { mode });
    await clock.advance(5_000); // renewal rounds at 0, 2000, 4000
    a.client.fault = () => 'unavailable';
    const firstFailedRoundMs = 6_000;
    await clock.advance(firstFailedRoundMs + DEADLINE_MS - 1 - 5_000);
    assert.deepEqual(a.stopped, [], 'gave up before renewDeadline');
    assert.equal(a.elector.isLeader(), true);
    await clock.advance(1);
    assert.deepEqual(a.stopped, [firstFailedRoundMs + DEADLINE_MS]);
    assert.equal(a.elector.isLeader(), false);
    const failed = a.attempts.filter(
      (x) => x.atMs >= firstFailedRoundMs && x.atMs < firstFailedRoundMs + DEADLINE_MS,
    );
    assert.deepEqual(
      failed.map((x) => [x.atMs, x.result]),
      [
        [6_000, 'error'],
        [8_000, 'error'],
        [10_000, 'error'],
      ],
    );

    // Back to candidate; once the API answers again it re-acquires its own, unchanged lease:
    // same term for client-go (acquireTime and leaseTransitions kept), so no transition.
    await clock.advance(10_000);
    a.client.fault = null;
    await clock.advance(MAX_CANDIDATE_PERIOD_MS);
    assert.equal(a.started.length, 2);
    const lease = store.peek(NS, LEASE);
    assert.equal(lease?.holderIdentity, 'node-a');
    assert.equal(lease?.acquireTimeMs, T0);
    assert.equal(lease?.leaseTransitions, 0);
    await a.elector.stop({ release: false });
  });
}

test('a holder whose requests hang gives up at the deadline, not when they return', async () => {
  const { clock, store } = setup();
  const a = candidate('node-a', store, clock, { mode: 'update-first' });
  await clock.advance(5_000);
  a.client.fault = () => 'hang';
  await clock.advance(6_000 + DEADLINE_MS - 5_000);
  assert.deepEqual(a.stopped, [6_000 + DEADLINE_MS]);
  await a.elector.stop({ release: true }); // not leading: nothing to release, and stop() does not hang
  await a.done;
});

test('update-first: a stale resourceVersion costs one 409, then GET+PUT keeps the lease', async () => {
  const { clock, store } = setup();
  const a = candidate('node-a', store, clock, { mode: 'update-first' });
  await clock.advance(1_000);
  const requestsBefore = { ...a.client.requests };
  // Someone else rewrites the object (same election state, new resourceVersion): a's cache is stale.
  const current = store.peek(NS, LEASE);
  assert.ok(current !== null);
  store.put(NS, LEASE, current);
  await clock.advance(RETRY_MS);
  assert.equal(store.conflicts, 1);
  assert.deepEqual(a.client.requests, {
    get: requestsBefore.get + 1,
    create: requestsBefore.create,
    update: requestsBefore.update + 2,
    list: 0,
    watch: 0,
  });
  assert.equal(a.attempts.at(-1)?.result, 'renewed');
  assert.deepEqual(a.stopped, []);
  // And the fast path works again from the fresh resourceVersion.
  await clock.advance(RETRY_MS);
  assert.deepEqual(a.client.requests, {
    get: requestsBefore.get + 1,
    create: requestsBefore.create,
    update: requestsBefore.update + 3,
    list: 0,
    watch: 0,
  });
  await a.elector.stop({ release: false });
});
