import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './fake-clock.js';
import { type FakeLeaseClient, FakeLeaseStore } from './fake-lease-store.js';
import { type AttemptResult, type ElectionConfig, LeaderElector, type RenewMode } from './leader-elector.js';
import { seededRandom } from './seeded-random.js';

const NS = 'kube-system';
const LEASE = 'cilium-l2announce-default-echo';
const LEASE_MS = 15_000;
const DEADLINE_MS = 5_000;
const RETRY_MS = 2_000;
const MAX_CANDIDATE_PERIOD_MS = RETRY_MS * 2.2;
const MODES: RenewMode[] = ['get-then-update', 'update-first'];

function config(identity: string, renewMode: RenewMode = 'get-then-update'): ElectionConfig {
  return {
    namespace: NS,
    leaseName: LEASE,
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
    renewMode,
    labels: { 'l2bench.io/run': 'test' },
  };
}

interface Candidate {
  elector: LeaderElector;
  client: FakeLeaseClient;
  started: number[];
  stopped: number[];
  attempts: { atMs: number; result: AttemptResult }[];
  newLeaders: string[];
  done: Promise<void>;
}

/** Starts an elector on `store` and records its events with fake-clock times (ms since t0). */
function candidate(
  identity: string,
  store: FakeLeaseStore,
  clock: FakeClock,
  opts: {
    mode?: RenewMode;
    seed?: number;
    latencyMs?: () => number;
    onStart?: () => void;
    onStop?: () => void;
  } = {},
): Candidate {
  const t0 = T0;
  const client = store.client({ latencyMs: opts.latencyMs ?? 0 });
  const c: Omit<Candidate, 'elector' | 'done'> = {
    client,
    started: [],
    stopped: [],
    attempts: [],
    newLeaders: [],
  };
  const elector = new LeaderElector(
    config(identity, opts.mode),
    client,
    {
      onStartedLeading: () => {
        c.started.push(clock.now() - t0);
        opts.onStart?.();
      },
      onStoppedLeading: () => {
        c.stopped.push(clock.now() - t0);
        opts.onStop?.();
      },
      onNewLeader: (id) => c.newLeaders.push(id),
      onAttempt: (result) => c.attempts.push({ atMs: clock.now() - t0, result }),
    },
    clock,
    seededRandom(opts.seed ?? identity.charCodeAt(0)),
  );
  return { ...c, elector, done: elector.run() };
}

const T0 = Date.UTC(2026, 10, 25, 3, 40, 0);

function setup(): { clock: FakeClock; store: FakeLeaseStore } {
  const clock = new FakeClock(T0);
  return { clock, store: new FakeLeaseStore(clock) };
}

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
