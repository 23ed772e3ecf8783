import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransientApiError, retryTransient } from './retry-transient.js';

const apiError = (code: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${code}`), { code, headers });

test('503, 504, 429 and a refused connection are transient; 404, 409, 422 and other errors are not', () => {
  for (const c of [429, 503, 504]) assert.equal(isTransientApiError(apiError(c)), true, String(c));
  for (const c of [400, 403, 404, 409, 422, 500])
    assert.equal(isTransientApiError(apiError(c)), false, String(c));
  assert.equal(isTransientApiError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isTransientApiError(new Error('fetch failed', { cause: { code: 'ECONNRESET' } })), true);
  assert.equal(isTransientApiError(new Error('bad')), false);
  assert.equal(isTransientApiError(undefined), false);
});

test('retries a transient failure until the call succeeds, waiting Retry-After when sent', async () => {
  const waits: number[] = [];
  let calls = 0;
  const v = await retryTransient(
    async () => {
      calls++;
      if (calls === 1) throw apiError(503, { 'retry-after': '1' });
      if (calls === 2) throw apiError(504);
      return 'ok';
    },
    { wait: async (ms) => waits.push(ms) },
  );
  assert.equal(v, 'ok');
  assert.deepEqual(waits, [1000, 1000]);
});

test('throws a permanent error at once, and a transient one once the budget is spent', async () => {
  let calls = 0;
  await assert.rejects(
    retryTransient(
      async () => {
        calls++;
        throw apiError(409);
      },
      { wait: async () => undefined },
    ),
    /HTTP 409/,
  );
  assert.equal(calls, 1);
  const waits: number[] = [];
  await assert.rejects(
    retryTransient(
      async () => {
        throw apiError(503);
      },
      { budgetMs: 4000, wait: async (ms) => waits.push(ms) },
    ),
    /HTTP 503/,
  );
  // 0.5 + 1 + 2 = 3.5 s fits; the next 4 s would not.
  assert.deepEqual(waits, [500, 1000, 2000]);
});
