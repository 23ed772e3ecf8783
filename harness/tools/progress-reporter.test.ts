import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createProgressReporter } from './progress-reporter.js';

function fakeClock() {
  let nowMs = 1_000_000;
  return {
    now: () => nowMs,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

test('build output is shown at most once per interval, with elapsed seconds', () => {
  const clock = fakeClock();
  const shown: string[] = [];
  const p = createProgressReporter({ prefix: 'etcd v3.5.35', emit: (l) => shown.push(l), nowMs: clock.now });
  p.line('go: downloading a v1');
  clock.advance(500);
  p.line('go: downloading b v1');
  p.line('go: downloading c v1');
  assert.deepEqual(shown, ['etcd v3.5.35: go: downloading a v1 [0s]']);
  clock.advance(1000);
  p.tick();
  assert.equal(shown.length, 1, 'not due yet');
  clock.advance(600);
  p.tick();
  assert.deepEqual(shown.slice(1), ['etcd v3.5.35: go: downloading c v1 [2s]']);
  p.tick();
  assert.equal(shown.length, 2, 'the kept line is shown once');
});

test('phases are always shown, and silence turns into an elapsed-time line', () => {
  const clock = fakeClock();
  const shown: string[] = [];
  const p = createProgressReporter({ prefix: 'k6 v1.8.1', emit: (l) => shown.push(l), nowMs: clock.now });
  p.phase('go install');
  clock.advance(100);
  p.phase('go build');
  clock.advance(9000);
  p.tick();
  assert.equal(shown.length, 2);
  clock.advance(1000);
  p.tick();
  assert.deepEqual(shown, [
    'k6 v1.8.1: go install [0s]',
    'k6 v1.8.1: go build [0s]',
    'k6 v1.8.1: go build … [10s]',
  ]);
  p.line('   ');
  assert.equal(shown.length, 3, 'blank lines are ignored');
});
