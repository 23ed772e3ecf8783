import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CpuSampleLine } from '../load-results.js';
import { cpuRates, downsampleRates } from './cpu-rates.js';

const sample = (
  tMs: number,
  cpuSeconds: number,
  role: CpuSampleLine['role'] = 'etcd',
  node?: string,
): CpuSampleLine => ({
  type: 'cpu',
  variantId: 'v01',
  tMs,
  role,
  ...(node ? { node } : {}),
  cpuSeconds,
  rssBytes: 1,
});

test('cumulative CPU-seconds become millicores over each interval, stamped at its end', () => {
  const rates = cpuRates([sample(0, 10), sample(1000, 10.25), sample(3000, 10.45)]);
  assert.deepEqual(
    rates.map((r) => [r.tMs, Math.round(r.millicores)]),
    [
      [1000, 250],
      [3000, 100],
    ],
  );
});

test('a counter that drops (process restarted) or a repeated timestamp yields no rate', () => {
  const rates = cpuRates([
    sample(0, 10),
    sample(1000, 10.5),
    sample(2000, 0.1),
    sample(2000, 0.2),
    sample(3000, 0.3),
  ]);
  assert.deepEqual(
    rates.map((r) => r.tMs),
    [1000, 3000],
  );
});

test('processes are kept apart by role and node, and roles can be filtered', () => {
  const samples = [
    sample(0, 0, 'announcer', 'n0'),
    sample(0, 0, 'announcer', 'n1'),
    sample(1000, 0.1, 'announcer', 'n0'),
    sample(1000, 0.3, 'announcer', 'n1'),
    sample(0, 0),
    sample(1000, 1),
  ];
  const all = cpuRates(samples);
  assert.equal(all.length, 3);
  assert.deepEqual(
    all
      .filter((r) => r.role === 'announcer')
      .map((r) => [r.node, Math.round(r.millicores)])
      .sort(),
    [
      ['n0', 100],
      ['n1', 300],
    ],
  );
  assert.deepEqual(
    cpuRates(samples, new Set(['etcd'])).map((r) => r.role),
    ['etcd'],
  );
});

test('downsampling keeps at most maxPoints per process and preserves the mean', () => {
  const samples = Array.from({ length: 1001 }, (_, i) => sample(i * 1000, i * 0.2 + (i % 2) * 0.05));
  const rates = cpuRates(samples);
  const down = downsampleRates(rates, 100);
  assert.ok(down.length <= 101 && down.length >= 90, `${down.length} points`);
  const mean = (xs: readonly { millicores: number }[]) =>
    xs.reduce((s, r) => s + r.millicores, 0) / xs.length;
  assert.ok(Math.abs(mean(down) - mean(rates)) < 1, 'mean kept');
  assert.equal(downsampleRates(rates.slice(0, 50), 100).length, 50, 'small inputs unchanged');
});
