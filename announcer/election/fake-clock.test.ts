import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './fake-clock.js';

test('FakeClock fires timers in due order, ties in the order they were set', async () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  void clock.sleep(30).then(() => fired.push(`c@${clock.now()}`));
  void clock.sleep(10).then(() => fired.push(`a@${clock.now()}`));
  void clock.sleep(10).then(() => fired.push(`b@${clock.now()}`));
  await clock.advance(25);
  assert.deepEqual(fired, ['a@10', 'b@10']);
  assert.equal(clock.now(), 25);
  await clock.advance(5);
  assert.deepEqual(fired, ['a@10', 'b@10', 'c@30']);
});

test('FakeClock.advance fires sleeps that async code registers on the way', async () => {
  const clock = new FakeClock(0);
  const ticks: number[] = [];
  const loop = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await Promise.resolve(); // an awaited fake request between sleeps
      await clock.sleep(100);
      ticks.push(clock.now());
    }
  };
  const done = loop();
  await clock.advance(450);
  assert.deepEqual(ticks, [100, 200, 300, 400]);
  await clock.advance(50);
  await done;
  assert.deepEqual(ticks, [100, 200, 300, 400, 500]);
});

test('FakeClock.sleep resolves early on abort and drops its timer', async () => {
  const clock = new FakeClock(0);
  const ac = new AbortController();
  let woke = -1;
  const sleeping = clock.sleep(1000, ac.signal).then(() => {
    woke = clock.now();
  });
  assert.equal(clock.pendingTimers, 1);
  ac.abort();
  await sleeping;
  assert.equal(woke, 0);
  assert.equal(clock.pendingTimers, 0);
  await clock.sleep(5, ac.signal); // already aborted: returns at once
  assert.equal(clock.pendingTimers, 0);
});
