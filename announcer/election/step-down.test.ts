import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OnApiOutage, StepDown } from './election-config.js';
import { FakeClock } from './fake-clock.js';
import { type FakeLeaseClient, FakeLeaseStore } from './fake-lease-store.js';
import { type AttemptResult, LeaderElector, type RenewMode } from './leader-elector.js';
import { seededRandom } from './seeded-random.js';

const NS = 'kube-system';
const LEASE = 'cilium-l2announce-default-echo';
const LEASE_MS = 4_000;
const DEADLINE_MS = 2_000;
const RETRY_MS = 500;
const T0 = Date.UTC(2026, 11, 2, 19, 0, 0);

interface Holder {
  elector: LeaderElector;
  client: FakeLeaseClient;
  stopped: number[];
  started: number[];
  attempts: { atMs: number; result: AttemptResult }[];
  leaders: { atMs: number; holder: string }[];
}

/** node-a on a fresh store, leading from t=0 (ms since T0 in every recorded time). */
async function leadingHolder(opts: {
  stepDown: StepDown;
  onApiOutage?: OnApiOutage;
  mode?: RenewMode;
}): Promise<{ clock: FakeClock; store: FakeLeaseStore; a: Holder }> {
  const clock = new FakeClock(T0);
  const store = new FakeLeaseStore(clock);
  const client = store.client();
  const at = (): number => clock.now() - T0;
  const h: Omit<Holder, 'elector'> = { client, stopped: [], started: [], attempts: [], leaders: [] };
  const elector = new LeaderElector(
    {
      namespace: NS,
      leaseName: LEASE,
      identity: 'node-a',
      leaseDurationMs: LEASE_MS,
      renewDeadlineMs: DEADLINE_MS,
      retryPeriodMs: RETRY_MS,
      renewMode: opts.mode ?? 'get-then-update',
      stepDown: opts.stepDown,
      ...(opts.onApiOutage ? { onApiOutage: opts.onApiOutage } : {}),
    },
    client,
    {
      onStartedLeading: () => h.started.push(at()),
      onStoppedLeading: () => h.stopped.push(at()),
      onNewLeader: (holder) => h.leaders.push({ atMs: at(), holder }),
      onAttempt: (result) => h.attempts.push({ atMs: at(), result }),
    },
    clock,
    seededRandom(7),
  );
  void elector.run();
  await clock.advance(0);
  assert.deepEqual(h.started, [0]);
  return { clock, store, a: { ...h, elector } };
}

/** What node-b writes when it takes the lease over (as after node-a froze past the lease). */
function takeOver(store: FakeLeaseStore, clock: FakeClock): void {
  const cur = store.peek(NS, LEASE);
  store.put(NS, LEASE, {
    holderIdentity: 'node-b',
    leaseDurationSeconds: LEASE_MS / 1000,
    acquireTimeMs: clock.now(),
    renewTimeMs: clock.now(),
    leaseTransitions: (cur?.leaseTransitions ?? 0) + 1,
  });
}

for (const mode of ['get-then-update', 'update-first'] as const) {
  test(`${mode}: on-observe stops leading on the attempt that shows another holder`, async () => {
    const { clock, store, a } = await leadingHolder({ stepDown: 'on-observe', mode });
    await clock.advance(1_100); // renewals at 0, 500, 1000
    takeOver(store, clock);
    await clock.advance(RETRY_MS);
    // The renewal at 1500 sees node-b: the same instant it is reported, leadership ends.
    assert.deepEqual(a.leaders.at(-1), { atMs: 1_500, holder: 'node-b' });
    assert.deepEqual(a.stopped, [1_500]);
    assert.equal(a.elector.isLeader(), false);
    await a.elector.stop({ release: true });
    assert.equal(store.peek(NS, LEASE)?.holderIdentity, 'node-b', 'never releases a lease it lost');
  });

  test(`${mode}: renew-deadline keeps leading for renewDeadline after seeing another holder`, async () => {
    const { clock, store, a } = await leadingHolder({ stepDown: 'renew-deadline', mode });
    await clock.advance(1_100);
    takeOver(store, clock);
    await clock.advance(400 + DEADLINE_MS - 1); // to 3499

    assert.deepEqual(a.leaders.at(-1), { atMs: 1_500, holder: 'node-b' });
    assert.deepEqual(a.stopped, [], 'client-go keeps leading until the deadline');
    await clock.advance(1);
    assert.deepEqual(a.stopped, [1_500 + DEADLINE_MS]);
    await a.elector.stop({ release: false });
  });
}

test('on-observe: a 409 on renew is followed by a GET; another holder there ends leadership', async () => {
  const { clock, store, a } = await leadingHolder({ stepDown: 'on-observe' });
  await clock.advance(1_100);
  // node-b writes between node-a's GET and its PUT: the PUT gets a 409.
  a.client.fault = (verb) => {
    if (verb === 'update') {
      a.client.fault = null;
      takeOver(store, clock);
    }
    return null;
  };
  await clock.advance(RETRY_MS);
  assert.deepEqual(
    a.attempts.find((x) => x.atMs > 0 && x.result !== 'renewed'),
    { atMs: 1_500, result: 'conflict' },
  );
  assert.deepEqual(a.stopped, [1_500]);
  assert.deepEqual(a.leaders.at(-1), { atMs: 1_500, holder: 'node-b' });
  await a.elector.stop({ release: false });
});

test('on-observe: a 409 from a rewrite that keeps node-a as holder does not end leadership', async () => {
  const { clock, store, a } = await leadingHolder({ stepDown: 'on-observe' });
  await clock.advance(1_100);
  a.client.fault = (verb) => {
    if (verb === 'update') {
      a.client.fault = null;
      const cur = store.peek(NS, LEASE);
      if (cur) store.put(NS, LEASE, cur); // same record, new resourceVersion
    }
    return null;
  };
  await clock.advance(RETRY_MS * 2);
  assert.deepEqual(a.stopped, []);
  assert.equal(a.attempts.at(-1)?.result, 'renewed');
  await a.elector.stop({ release: false });
});

test('onApiOutage release: an unreachable API server ends leadership at the renew deadline', async () => {
  const { clock, a } = await leadingHolder({ stepDown: 'on-observe', onApiOutage: 'release' });
  await clock.advance(1_100);
  a.client.fault = () => 'unavailable';
  await clock.advance(20_000);
  // The round that began at 1500 ran out at 3500.
  assert.deepEqual(a.stopped, [1_500 + DEADLINE_MS]);
  await a.elector.stop({ release: false });
});

for (const fault of ['unavailable', 'hang'] as const) {
  test(`onApiOutage keep (${fault}): leads through the outage, renews when the API returns`, async () => {
    const { clock, store, a } = await leadingHolder({ stepDown: 'on-observe', onApiOutage: 'keep' });
    await clock.advance(1_100);
    a.client.fault = () => fault;
    await clock.advance(30_000);
    assert.deepEqual(a.stopped, [], 'kept leading through a 30 s outage');
    assert.equal(a.elector.isLeader(), true);
    // Retries keep coming, one per retryPeriod at least (a hanging one waits renewDeadline).
    const during = a.attempts.filter((x) => x.atMs > 1_100);
    assert.ok(during.length >= 30_000 / DEADLINE_MS - 1, `${during.length} attempts`);
    assert.ok(during.every((x) => x.result === 'error'));
    a.client.fault = null;
    const backMs = clock.now() - T0;
    await clock.advance(DEADLINE_MS + RETRY_MS);
    const renewed = a.attempts.find((x) => x.atMs >= backMs && x.result === 'renewed');
    assert.ok(renewed, 'renewed after the API came back');
    assert.equal(store.peek(NS, LEASE)?.holderIdentity, 'node-a');
    assert.deepEqual(a.stopped, []);
    await a.elector.stop({ release: false });
  });
}

for (const stepDown of ['on-observe', 'renew-deadline'] as const) {
  test(`onApiOutage keep + ${stepDown}: after the outage, another holder ends leadership at once`, async () => {
    const { clock, store, a } = await leadingHolder({ stepDown, onApiOutage: 'keep' });
    await clock.advance(1_100);
    a.client.fault = () => 'unavailable';
    await clock.advance(10_000);
    takeOver(store, clock); // a peer that could reach the API server took over meanwhile
    const seenMs = clock.now() - T0;
    a.client.fault = null;
    await clock.advance(RETRY_MS);
    assert.equal(a.stopped.length, 1);
    const stoppedMs = a.stopped[0] ?? Number.NaN;
    // Past its deadline there is nothing to wait for, whatever the step-down mode.
    assert.ok(stoppedMs > seenMs && stoppedMs <= seenMs + RETRY_MS, `stopped at ${stoppedMs}`);
    assert.deepEqual(a.leaders.at(-1), { atMs: stoppedMs, holder: 'node-b' });
    await a.elector.stop({ release: false });
  });
}

test('onApiOutage keep: a 409 is not an outage; the renew deadline applies', async () => {
  const { clock, store, a } = await leadingHolder({ stepDown: 'renew-deadline', onApiOutage: 'keep' });
  await clock.advance(1_100);
  // Every PUT loses a race to a rewrite that leaves node-a's name on the lease.
  a.client.fault = (verb) => {
    if (verb === 'update') {
      const cur = store.peek(NS, LEASE);
      if (cur) store.put(NS, LEASE, cur);
    }
    return null;
  };
  await clock.advance(DEADLINE_MS + RETRY_MS);
  assert.deepEqual(a.stopped, [1_500 + DEADLINE_MS]);
  a.client.fault = null;
  await a.elector.stop({ release: false });
});
