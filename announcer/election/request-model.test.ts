import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedRequestsPerSecond, MEAN_CANDIDATE_PERIOD_FACTOR } from './request-model.js';

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≉ ${expected}`);
}

test('mean candidate period is 1.6 retry periods (uniform jitter up to 1.2)', () => {
  close(MEAN_CANDIDATE_PERIOD_FACTOR, 1.6);
});

test('get-then-update: the holder GETs and PUTs every retryPeriod, others GET every 1.6 periods', () => {
  const r = expectedRequestsPerSecond({
    services: 1,
    candidates: 3,
    retryPeriodMs: 2000,
    renewMode: 'get-then-update',
  });
  close(r.update, 0.5);
  close(r.get, 0.5 + 2 / 3.2);
});

test('update-first: the holder only PUTs', () => {
  const r = expectedRequestsPerSecond({
    services: 100,
    candidates: 3,
    retryPeriodMs: 2000,
    renewMode: 'update-first',
  });
  close(r.update, 50);
  close(r.get, 100 * (2 / 3.2));
});

test('a lone candidate costs only its own renewals; no services or candidates cost nothing', () => {
  close(
    expectedRequestsPerSecond({ services: 10, candidates: 1, retryPeriodMs: 1000, renewMode: 'update-first' })
      .get,
    0,
  );
  assert.deepEqual(
    expectedRequestsPerSecond({
      services: 0,
      candidates: 3,
      retryPeriodMs: 2000,
      renewMode: 'get-then-update',
    }),
    { get: 0, update: 0 },
  );
  assert.deepEqual(
    expectedRequestsPerSecond({
      services: 5,
      candidates: 0,
      retryPeriodMs: 2000,
      renewMode: 'get-then-update',
    }),
    { get: 0, update: 0 },
  );
});
