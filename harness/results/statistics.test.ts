import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bootstrapMedian,
  median,
  mulberry32,
  pairedDifferences,
  percentiles,
  quantile,
} from './statistics.js';

test('quantile is type 7 (R default, numpy linear)', () => {
  const xs = [4, 1, 3, 2];
  assert.equal(quantile(xs, 0), 1);
  assert.equal(quantile(xs, 1), 4);
  assert.equal(quantile(xs, 0.5), 2.5);
  // numpy.percentile([1, 2, 3, 4], 95) == 3.85; R quantile(1:4, .95) == 3.85
  assert.ok(Math.abs(quantile(xs, 0.95) - 3.85) < 1e-12);
  assert.ok(Math.abs(quantile([10, 20, 30, 40, 50], 0.1) - 14) < 1e-12);
  assert.equal(quantile([7], 0.95), 7);
  assert.throws(() => quantile([], 0.5), RangeError);
  assert.throws(() => quantile([1], 1.5), /q \(1\.5\) must be within 0\.\.1/);
});

test('median: middle value or mean of the middle two; input left unsorted', () => {
  const xs = [3, 1, 2];
  assert.equal(median(xs), 2);
  assert.deepEqual(xs, [3, 1, 2]);
  assert.equal(median([1, 2, 3, 10]), 2.5);
});

test('mulberry32 is deterministic, in [0, 1) and roughly uniform', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const first = [a(), a(), a()];
  assert.deepEqual(first, [b(), b(), b()]);
  assert.notEqual(first[0], c());
  const r = mulberry32(1);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) {
    const x = r();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.01);
});

test('bootstrapMedian: deterministic, brackets the median, degenerate cases', () => {
  const xs = [78, 82, 80, 95, 79, 81, 77, 84];
  const first = bootstrapMedian(xs);
  assert.deepEqual(bootstrapMedian(xs), first, 'same seed, same interval');
  assert.equal(first.median, 80.5);
  assert.equal(first.n, 8);
  assert.ok(first.lo <= first.median && first.median <= first.hi);
  assert.ok(first.lo >= 77 && first.hi <= 95);
  assert.ok(first.hi - first.lo < 18, 'narrower than the full range');
  assert.notDeepEqual(bootstrapMedian(xs, { seed: 9 }), first);
  assert.deepEqual(bootstrapMedian([80]), { median: 80, lo: 80, hi: 80, n: 1 });
  assert.deepEqual(bootstrapMedian([]), { median: 0, lo: 0, hi: 0, n: 0 });
  // Two values: resampled medians are a, (a+b)/2 or b, so the ends are the values themselves.
  assert.deepEqual(bootstrapMedian([10, 20]), { median: 15, lo: 10, hi: 20, n: 2 });
  const constant = bootstrapMedian([5, 5, 5]);
  assert.deepEqual(constant, { median: 5, lo: 5, hi: 5, n: 3 });
});

test('pairedDifferences subtracts pairwise and insists on pairs', () => {
  assert.deepEqual(pairedDifferences([10, 12, 9], [7, 7, 8]), [3, 5, 1]);
  assert.throws(() => pairedDifferences([1], [1, 2]), /equal counts, got 1 and 2/);
});

test('percentiles: p50/p95/min/max, values kept in trial order; nulls when empty', () => {
  assert.deepEqual(percentiles([300, 100, 200]), {
    n: 3,
    p50: 200,
    p95: 290,
    min: 100,
    max: 300,
    values: [300, 100, 200],
  });
  assert.deepEqual(percentiles([]), { n: 0, p50: null, p95: null, min: null, max: null, values: [] });
});
