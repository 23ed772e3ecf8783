import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorExitCode, errorLeaves, errorLines } from './error-lines.js';
import { BackendError, ScenarioError } from './errors.js';

/** What `await using` throws when a teardown fails after an error (Node 20 has no SuppressedError). */
function suppressed(error: unknown, first: unknown): Error {
  return Object.assign(new Error('An error was suppressed during disposal.'), {
    name: 'SuppressedError',
    error,
    suppressed: first,
  });
}

test('every failure of nested AggregateErrors and SuppressedErrors, first error before its teardown', () => {
  const err = new AggregateError(
    [
      suppressed(
        new BackendError('local run 1: removing netns l2b-1-n1 failed'),
        new BackendError('prepare broke'),
      ),
      new AggregateError([new ScenarioError('bad'), new TypeError('x is undefined')], 'inner'),
    ],
    '2 clusters failed',
  );
  assert.deepEqual(
    errorLeaves(err).map((e) => (e as Error).message),
    ['prepare broke', 'local run 1: removing netns l2b-1-n1 failed', 'bad', 'x is undefined'],
  );
  assert.deepEqual(errorLines(err), [
    '2 clusters failed:',
    '  prepare broke',
    '  local run 1: removing netns l2b-1-n1 failed',
    '  bad',
    '  unexpected error: TypeError: x is undefined',
  ]);
  // The first of ours decides the exit code: a backend failure (1) before the scenario error (2).
  assert.equal(errorExitCode(err), 1);
  assert.equal(errorExitCode(new AggregateError([new TypeError('t'), new ScenarioError('s')])), 2);
  assert.equal(errorExitCode(new AggregateError([new TypeError('t')])), 1);
});

test('a multi-line message stays on one line; a single error is its own one leaf', () => {
  const err = new ScenarioError('nodes.count: too many\nservices.announced: too many');
  assert.deepEqual(errorLeaves(err), [err]);
  assert.deepEqual(errorLines(suppressed(new Error('teardown'), err)), [
    'nodes.count: too many; services.announced: too many',
    'unexpected error: Error: teardown',
  ]);
});
