import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMicroTime, parseMicroTime } from './micro-time.js';

const T0 = Date.UTC(2026, 10, 25, 3, 40, 0);

test('formatMicroTime writes exactly six fractional digits, as the API server requires', () => {
  assert.equal(formatMicroTime(T0), '2026-11-25T03:40:00.000000Z');
  assert.equal(formatMicroTime(T0 + 123), '2026-11-25T03:40:00.123000Z');
  assert.equal(formatMicroTime(T0 + 123.456), '2026-11-25T03:40:00.123456Z');
  assert.equal(formatMicroTime(T0 + 999.9996), '2026-11-25T03:40:01.000000Z');
});

test('parseMicroTime keeps microseconds and round-trips', () => {
  assert.equal(parseMicroTime('2026-11-25T03:40:00.123456Z'), T0 + 123.456);
  assert.equal(parseMicroTime('2026-11-25T03:40:00Z'), T0);
  assert.equal(parseMicroTime('2026-11-25T04:40:00.5+01:00'), T0 + 500);
  assert.equal(parseMicroTime('2026-11-25T03:40:00.123456789Z'), T0 + 123.456);
  assert.equal(parseMicroTime(new Date(T0 + 7)), T0 + 7);
  for (const ms of [T0, T0 + 0.001, T0 + 123.456, T0 + 86_399_999.999]) {
    assert.equal(formatMicroTime(parseMicroTime(formatMicroTime(ms)) ?? Number.NaN), formatMicroTime(ms));
  }
});

test('parseMicroTime returns null for what is not a timestamp', () => {
  for (const value of [undefined, null, 42, '', 'yesterday', '2026-11-25 03:40:00Z', new Date(Number.NaN)]) {
    assert.equal(parseMicroTime(value), null, String(value));
  }
});
