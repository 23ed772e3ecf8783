import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settleWithin } from './settle-within.js';

test('a promise that resolves to undefined in time counts as settled', async () => {
  assert.deepEqual(await settleWithin(Promise.resolve(undefined), 1000), { settled: true, value: undefined });
});

test('a promise still pending at the limit counts as not settled', async () => {
  assert.deepEqual(await settleWithin(new Promise(() => {}), 10), { settled: false });
});

test('a negative limit still lets an already resolved promise win', async () => {
  assert.deepEqual(await settleWithin(Promise.resolve(3), -5), { settled: true, value: 3 });
});
