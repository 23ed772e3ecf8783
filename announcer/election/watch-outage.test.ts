import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OnApiOutage } from './election-config.js';
import { makeStrategy } from './election-strategy.js';
import { FakeClock } from './fake-clock.js';
import { FakeLeaseStore } from './fake-lease-store.js';
import { seededRandom } from './seeded-random.js';

const NS = 'kube-system';
const T0 = Date.UTC(2026, 11, 2, 19, 0, 0);

/** per-service-watch holder through a 30 s API outage; returns when it stopped leading (ms since T0). */
async function outage(onApiOutage: OnApiOutage, otherHolderAfter: boolean) {
  const clock = new FakeClock(T0);
  const store = new FakeLeaseStore(clock);
  const client = store.client();
  const strategy = makeStrategy({
    spec: { kind: 'per-service-watch' },
    base: {
      identity: 'node-a',
      leaseDurationMs: 4000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 500,
      renewMode: 'get-then-update',
      onApiOutage,
    },
    leaseNamespace: NS,
    client,
    watchApi: client,
    clock,
    random: seededRandom(3),
  });
  strategy.start();
  const stopped: number[] = [];
  let leading = false;
  const lease = { namespace: NS, name: 'cilium-l2announce-default-echo' };
  const e = strategy.makeElector({ key: 'k', lease }, () => [], {
    onStartedLeading: () => {
      leading = true;
    },
    onStoppedLeading: () => {
      leading = false;
      stopped.push(clock.now() - T0);
    },
  });
  void e.run();
  await clock.advance(3_000);
  assert.equal(leading, true, 'leads before the outage');
  client.fault = () => 'unavailable';
  await clock.advance(30_000);
  const duringOutage = [...stopped];
  if (otherHolderAfter) {
    const cur = store.peek(lease.namespace, lease.name);
    store.put(lease.namespace, lease.name, { ...cur!, holderIdentity: 'node-b', renewTimeMs: clock.now() });
  }
  client.fault = null;
  await clock.advance(5_000);
  const result = { duringOutage, stopped: [...stopped], leading };
  await e.stop({ release: false });
  await strategy.stop({ release: false });
  return result;
}

test('per-service-watch, release: the outage ends leadership at the renew deadline', async () => {
  const r = await outage('release', false);
  assert.equal(r.duringOutage.length, 1);
  assert.ok((r.duringOutage[0] ?? 0) <= 3_000 + 2_000, `stopped at ${r.duringOutage[0]}`);
});

test('per-service-watch, keep: leads through the outage and renews after it', async () => {
  const r = await outage('keep', false);
  assert.deepEqual(r.stopped, []);
  assert.equal(r.leading, true);
});

test('per-service-watch, keep: another holder seen after the outage ends leadership', async () => {
  const r = await outage('keep', true);
  assert.deepEqual(r.duringOutage, []);
  // Outage 3 s → 33 s; node-b's record (never renewed by this fake) would expire 4 s after.
  const at = r.stopped[0] ?? Number.NaN;
  assert.ok(at >= 33_000 && at < 37_000, `stepped down at ${at}`);
});
