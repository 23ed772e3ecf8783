import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './fake-clock.js';
import { FakeLeaseStore } from './fake-lease-store.js';
import { LeaseConflictError } from './lease-client.js';

const rec = {
  holderIdentity: 'a',
  leaseDurationSeconds: 15,
  acquireTimeMs: 1,
  renewTimeMs: 1,
  leaseTransitions: 0,
};

test('FakeLeaseStore behaves like the API server on resourceVersions', async () => {
  const store = new FakeLeaseStore(new FakeClock());
  const c = store.client();
  assert.equal(await c.get('ns', 'l'), null);
  const created = await c.create('ns', 'l', rec, { 'l2bench.io/run': 'r1' });
  assert.equal(created.resourceVersion, '1');
  await assert.rejects(c.create('ns', 'l', rec), LeaseConflictError);

  const renewed = await c.update('ns', 'l', { ...created, renewTimeMs: 2 });
  assert.equal(renewed.resourceVersion, '2');
  await assert.rejects(c.update('ns', 'l', { ...created, holderIdentity: 'b' }), LeaseConflictError);
  assert.equal(store.peek('ns', 'l')?.holderIdentity, 'a');
  assert.equal(store.conflicts, 2);
  assert.deepEqual(store.labels('ns', 'l'), { 'l2bench.io/run': 'r1' });
  await assert.rejects(c.update('ns', 'missing', renewed), { code: 404 });
  assert.deepEqual(c.requests, { get: 1, create: 2, update: 3, list: 0, watch: 0 });
});

test('FakeLeaseStore faults: unavailable never lands, lost-response lands but errors', async () => {
  const store = new FakeLeaseStore(new FakeClock());
  const c = store.client();
  const created = await c.create('ns', 'l', rec);
  c.fault = () => 'unavailable';
  await assert.rejects(c.update('ns', 'l', { ...created, renewTimeMs: 5 }), /unavailable/);
  assert.equal(store.peek('ns', 'l')?.renewTimeMs, 1);
  c.fault = () => 'lost-response';
  await assert.rejects(c.update('ns', 'l', { ...created, renewTimeMs: 6 }), /response lost/);
  assert.equal(store.peek('ns', 'l')?.renewTimeMs, 6);
  assert.equal(store.requests.update, 1);
  assert.equal(c.requests.update, 2);
});

test('FakeLeaseStore latency is spent on the fake clock, half before the write lands', async () => {
  const clock = new FakeClock(0);
  const store = new FakeLeaseStore(clock);
  const c = store.client({ latencyMs: 100 });
  let doneAt = -1;
  const pending = c.create('ns', 'l', rec).then(() => {
    doneAt = clock.now();
  });
  await clock.advance(50);
  assert.equal(store.peek('ns', 'l')?.holderIdentity, 'a');
  assert.equal(doneAt, -1);
  await clock.advance(50);
  await pending;
  assert.equal(doneAt, 100);
});
