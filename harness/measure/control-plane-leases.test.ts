import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { leaseWindow } from './control-plane-leases.js';

const renewals = (holder: string, fromMs: number, toMs: number, everyMs: number) =>
  Array.from({ length: Math.floor((toMs - fromMs) / everyMs) + 1 }, (_, i) => ({
    renewTimeMs: fromMs + i * everyMs,
    holder,
  }));

test('a steady leader: renewals counted inside the window, gap = retry period, held', () => {
  const w = leaseWindow('kube-scheduler', renewals('a', 0, 30_000, 2000), 10_000, 20_500);
  assert.deepEqual(w, {
    name: 'kube-scheduler',
    renewals: 6, // 10, 12, …, 20 s
    maxRenewGapMs: 2000,
    holderChanges: 0,
    heldAtEnd: true,
  });
});

test('a stalled renewal shows as the gap, and a lease older than 15 s is not held', () => {
  const obs = [...renewals('a', 0, 10_000, 2000), ...renewals('a', 22_000, 24_000, 2000)];
  const w = leaseWindow('kube-controller-manager', obs, 5000, 40_000);
  assert.equal(w.maxRenewGapMs, 16_000); // 24 s → end of window at 40 s
  assert.equal(w.heldAtEnd, false);
});

test('a new holder is a leadership change; the window before it counts as the reference', () => {
  const obs = [...renewals('a', 0, 8000, 2000), ...renewals('b', 20_000, 24_000, 2000)];
  const w = leaseWindow('kube-controller-manager', obs, 9000, 25_000);
  assert.equal(w.holderChanges, 1);
  assert.equal(w.maxRenewGapMs, 12_000); // 8 s (before the window) → 20 s
  assert.equal(w.renewals, 3);
});

test('no observation at all: nothing held, no gap', () => {
  assert.deepEqual(leaseWindow('kube-scheduler', [], 0, 1000), {
    name: 'kube-scheduler',
    renewals: 0,
    maxRenewGapMs: null,
    holderChanges: 0,
    heldAtEnd: false,
  });
});
