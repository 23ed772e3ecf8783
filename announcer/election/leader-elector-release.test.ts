import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeaderElector } from './leader-elector.js';
import { seededRandom } from './seeded-random.js';

import {
  candidate,
  config,
  LEASE,
  LEASE_MS,
  MAX_CANDIDATE_PERIOD_MS,
  MODES,
  NS,
  RETRY_MS,
  setup,
  T0,
} from './testing/elector-fixtures.js';

test('release on shutdown: holder cleared, the other candidate takes over at its next try', async () => {
  const { clock, store } = setup();
  let holderWhenStopped: string | undefined;
  const a = candidate('node-a', store, clock, {
    onStop: () => {
      holderWhenStopped = store.peek(NS, LEASE)?.holderIdentity;
    },
  });
  await clock.advance(1_000);
  const b = candidate('node-b', store, clock);
  await clock.advance(29_000);
  assert.deepEqual(b.started, []);

  await a.elector.stop({ release: true });
  await a.done;
  const releasedAtMs = clock.now() - T0;
  assert.equal(holderWhenStopped, 'node-a', 'onStoppedLeading must run before the lease is handed over');
  assert.deepEqual(a.stopped, [releasedAtMs]);
  const released = store.peek(NS, LEASE);
  assert.equal(released?.holderIdentity, '');
  assert.equal(released?.leaseDurationSeconds, 1);
  assert.equal(released?.leaseTransitions, 0);
  assert.equal(a.elector.observedHolder(), null);

  await clock.advance(MAX_CANDIDATE_PERIOD_MS);
  assert.equal(b.started.length, 1);
  const takeoverMs = b.started[0] ?? Number.NaN;
  assert.ok(takeoverMs - releasedAtMs <= MAX_CANDIDATE_PERIOD_MS, `took ${takeoverMs - releasedAtMs}ms`);
  const lease = store.peek(NS, LEASE);
  assert.equal(lease?.holderIdentity, 'node-b');
  assert.equal(lease?.leaseTransitions, 1);
  assert.equal(lease?.acquireTimeMs, T0 + takeoverMs);
  assert.equal(lease?.leaseDurationSeconds, 15);
  await b.elector.stop({ release: true });
  assert.equal(clock.pendingTimers, 0);
});

test('without release the other candidate waits out the lease duration', async () => {
  const { clock, store } = setup();
  const a = candidate('node-a', store, clock);
  await clock.advance(1_000);
  const b = candidate('node-b', store, clock);
  await clock.advance(29_000);
  await a.elector.stop({ release: false });
  assert.equal(store.peek(NS, LEASE)?.holderIdentity, 'node-a');
  await clock.advance(LEASE_MS + MAX_CANDIDATE_PERIOD_MS);
  const takeoverMs = b.started[0] ?? Number.NaN;
  // b last saw the record change at a's final renewal (at or before 30000).
  assert.ok(takeoverMs >= 28_000 + LEASE_MS, `took over at ${takeoverMs}`);
  await b.elector.stop({ release: false });
});

for (const mode of MODES) {
  test(`${mode}: two electors with latency, faults and jitter never lead at the same time`, async () => {
    const { clock, store } = setup();
    const random = seededRandom(mode === 'update-first' ? 7 : 11);
    const leaders = new Set<string>();
    const overlaps: string[] = [];
    const electors = ['node-a', 'node-b'].map((id, i) =>
      candidate(id, store, clock, {
        mode,
        seed: 100 + i,
        latencyMs: () => random() * 300,
        onStart: () => {
          if (leaders.size > 0)
            overlaps.push(`${id} started while ${[...leaders].join()} led at ${clock.now() - T0}`);
          leaders.add(id);
        },
        onStop: () => leaders.delete(id),
      }),
    );
    // Each client suffers partitions of 5-40s starting at random times, and otherwise loses
    // an occasional response after the write landed, or hangs.
    const partitions = electors.map(() => {
      const windows: [number, number][] = [];
      for (let t = 30_000; t < 7_000_000; t += 60_000 + random() * 120_000)
        windows.push([t, t + 5_000 + random() * 35_000]);
      return windows;
    });
    electors.forEach((e, i) => {
      e.client.fault = () => {
        const nowMs = clock.now() - T0;
        if (partitions[i]?.some(([from, to]) => nowMs >= from && nowMs < to)) return 'unavailable';
        const dice = random();
        return dice < 0.03 ? 'lost-response' : dice < 0.04 ? 'hang' : null;
      };
    });
    await clock.advance(7_200_000);
    for (const e of electors) e.client.fault = null;
    await clock.advance(60_000);

    assert.deepEqual(overlaps, []);
    assert.equal(leaders.size, 1, 'exactly one leader once the faults stop');
    assert.equal(store.peek(NS, LEASE)?.holderIdentity, [...leaders][0]);
    const terms = electors.reduce((n, e) => n + e.started.length, 0);
    assert.ok(terms >= 10, `only ${terms} terms: the faults did not exercise takeovers`);
    assert.ok(store.conflicts >= 1, 'no 409 happened');
    assert.ok((store.peek(NS, LEASE)?.leaseTransitions ?? 0) >= 3);
    await Promise.all(electors.map((e) => e.elector.stop({ release: false })));
  });
}

for (const mode of MODES) {
  test(`${mode}: request counts over 2h with 3 candidates match expectedRequestsPerSecond within 5%`, async () => {
    const { expectedRequestsPerSecond } = await import('./request-model.js');
    const { clock, store } = setup();
    const electors = ['node-a', 'node-b', 'node-c'].map((id, i) =>
      candidate(id, store, clock, { mode, seed: i + 1 }),
    );
    const durationMs = 7_200_000;
    await clock.advance(durationMs);
    const expected = expectedRequestsPerSecond({
      services: 1,
      candidates: 3,
      retryPeriodMs: RETRY_MS,
      renewMode: mode,
    });
    const seconds = durationMs / 1000;
    const within5 = (actual: number, model: number, what: string) =>
      assert.ok(Math.abs(actual - model) <= 0.05 * model, `${what}: ${actual} vs model ${model.toFixed(0)}`);
    within5(store.requests.get, expected.get * seconds, 'GET');
    within5(store.requests.update + store.requests.create, expected.update * seconds, 'PUT');
    const holders = electors.filter((e) => e.elector.isLeader());
    assert.equal(holders.length, 1);
    if (mode === 'update-first') assert.ok((holders[0]?.client.requests.get ?? -1) <= 1, 'holder GETs');
    await Promise.all(electors.map((e) => e.elector.stop({ release: false })));
  });
}

test('the constructor validates the timings', () => {
  const { clock, store } = setup();
  assert.throws(
    () =>
      new LeaderElector(
        { ...config('node-a'), renewDeadlineMs: 20_000 },
        store.client(),
        {
          onStartedLeading: () => {},
          onStoppedLeading: () => {},
        },
        clock,
      ),
    { message: 'renewDeadline (20000ms) must be shorter than leaseDuration (15000ms)' },
  );
});

test('stop before run, and a second run, do not start an election', async () => {
  const { clock, store } = setup();
  const events = { onStartedLeading: () => assert.fail('must not lead'), onStoppedLeading: () => {} };
  const e = new LeaderElector(config('node-a'), store.client(), events, clock);
  await e.stop({ release: true });
  await e.run();
  await assert.rejects(e.run(), /already called/);
  assert.equal(store.peek(NS, LEASE), null);
});
