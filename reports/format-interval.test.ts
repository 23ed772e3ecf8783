import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDurationMs,
  formatInterval,
  formatRelative,
  formatValue,
  intervalCaption,
  intervalKind,
} from './format-interval.js';

test('prints median, interval and n with as many digits as the interval width supports', () => {
  assert.equal(
    formatInterval({ median: 83.4, lo: 71.2, hi: 94.6, n: 3 }, { unit: 'mCPU' }),
    '83 mCPU [71, 95], range of 3 values',
  );
  assert.equal(
    formatInterval({ median: 4.13, lo: 3.52, hi: 4.71, n: 5 }, { unit: '%' }),
    '4.1% [3.5, 4.8], n=5',
  );
  assert.equal(formatInterval({ median: 0.0123, lo: 0.0101, hi: 0.0142, n: 4 }), '0.012 [0.010, 0.015], n=4');
  assert.equal(formatInterval({ median: 12.34, lo: 11.1, hi: 13.0, n: 4 }), '12.3 [11.1, 13.0], n=4');
  assert.equal(
    formatInterval({ median: 1234.5, lo: 1100, hi: 1390, n: 3 }, { unit: '/s' }),
    '1235/s [1100, 1390], range of 3 values',
  );
});

test('rounds lo down and hi up, so the printed interval never looks narrower than measured', () => {
  // width 8.6 → integers; 77.9 must not print as 78 nor 85.1 as 85
  assert.equal(formatInterval({ median: 80, lo: 77.9, hi: 86.5, n: 3 }), '80 [77, 87], range of 3 values');
  const text = formatInterval({ median: 0.3, lo: 0.29, hi: 0.31, n: 3 });
  assert.equal(
    text,
    '0.30 [0.29, 0.31], range of 3 values',
    'float noise in 0.29 does not push lo down a step',
  );
});

test('an interval across zero keeps its sign: the text does not claim a positive overhead', () => {
  assert.equal(
    formatInterval({ median: 3.2, lo: -2.4, hi: 8.1, n: 3 }, { unit: 'mCPU' }),
    '3 mCPU [-3, 9], range of 3 values',
  );
  assert.equal(
    formatInterval({ median: 3.2, lo: -2.4, hi: 8.1, n: 3 }, { signed: true }),
    '+3 [-3, +9], range of 3 values',
  );
});

test('an interval that excludes zero keeps the decimals to show it', () => {
  assert.equal(
    formatInterval({ median: 5, lo: 0.3, hi: 14.6, n: 3 }, { signed: true }),
    '+5.0 [+0.3, +14.6], range of 3 values',
  );
  assert.equal(
    formatInterval({ median: -5, lo: -14.6, hi: -0.04, n: 3 }),
    '-5.00 [-14.60, -0.04], range of 3 values',
  );
});

test('n = 1 says there is no interval; n = 0 says there is no data; showN can drop n', () => {
  assert.equal(
    formatInterval({ median: 83.456, lo: 83.456, hi: 83.456, n: 1 }, { unit: 'mCPU' }),
    '83.5 mCPU, n=1 (no interval)',
  );
  assert.equal(formatInterval({ median: 0, lo: 0, hi: 0, n: 0 }), 'no data (n=0)');
  assert.equal(formatInterval({ median: 5, lo: 5, hi: 5, n: 3 }), '5.00 [5.00, 5.00], range of 3 values');
  assert.equal(formatInterval({ median: 10, lo: 8, hi: 13, n: 3 }, { showN: false }), '10 [8, 13]');
});

test('scale converts units before choosing digits', () => {
  assert.equal(
    formatInterval({ median: 15_400, lo: 14_800, hi: 16_900, n: 5 }, { unit: 's', scale: 1 / 1000 }),
    '15 s [14, 17], n=5',
  );
  assert.equal(
    formatInterval({ median: 15_400, lo: 14_900, hi: 15_800, n: 5 }, { unit: 's', scale: 1 / 1000 }),
    '15.4 s [14.9, 15.8], n=5',
  );
});

test('durations, plain values and relative changes', () => {
  assert.equal(formatDurationMs(840.4), '840 ms');
  assert.equal(formatDurationMs(2314), '2.31 s');
  assert.equal(formatDurationMs(15_420), '15.4 s');
  assert.equal(formatDurationMs(null), 'n/a');
  assert.equal(formatValue(150, '/s'), '150/s');
  assert.equal(formatValue(0.012345), '0.012');
  assert.equal(formatRelative(0.034), '+3.4%');
  assert.equal(formatRelative(-0.12), '-12%');
  assert.equal(formatRelative(0), '0%');
  assert.equal(formatRelative(null), 'n/a');
});

test('fewer than 4 values are called their range, not a 95% interval', () => {
  assert.equal(formatInterval({ median: 2, lo: 1, hi: 3, n: 2 }), '2 [1, 3], range of 2 values');
  assert.equal(formatInterval({ median: 2, lo: 1, hi: 3, n: 4 }), '2 [1, 3], n=4');
  assert.equal(intervalKind(3), 'range of 3 values');
  assert.equal(intervalKind(5), '95% interval');
  assert.equal(intervalCaption([5, 6]), '95% bootstrap interval');
  assert.equal(intervalCaption([2, 3]), 'range of the 2 or 3 values (fewer than 4: no 95% interval)');
  assert.match(intervalCaption([2, 5]), /^95% bootstrap interval, or the range of the 2 values/);
});
