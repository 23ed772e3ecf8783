import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationMs } from './duration.js';

test('parseDurationMs reads the units scenario authors write', () => {
  assert.equal(parseDurationMs('15s'), 15_000);
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('0.25s'), 250);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('1h'), 3_600_000);
  assert.equal(parseDurationMs(' 2s '), 2_000);
  assert.equal(parseDurationMs('0.1s0.2s'), 300);
});

test('parseDurationMs rejects what is not a duration', () => {
  for (const text of ['', '15', 's', '15 s', '-1s', '1d', '1.s', 'fast']) {
    assert.equal(parseDurationMs(text), undefined, text);
  }
});
