import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ScenarioError } from '../errors.js';
import { INTERRUPTED_SAMPLES } from './resume-results.js';
import type { FakeBenchTarget } from './testing/fake-bench-target.js';
import { FakeRunDir, fakeRun, fakeScenario } from './testing/fake-run.js';

const dir = new FakeRunDir();
after(() => dir.close());

// Run order: v01 and v02 on cluster t1 (2 nodes), v03 and v04 on t2 (3 nodes); one trial each.
const file = dir.write(
  fakeScenario({
    name: 'resume',
    sweep: { 'nodes.count': [2, 3], 'services.announced': [2, 4] },
    faults: { kinds: ['node-crash'], trialsPerKind: 1 },
  }),
);
const ids = [
  'v01-count=2_announced=2',
  'v02-count=2_announced=4',
  'v03-count=3_announced=2',
  'v04-count=3_announced=4',
];

/** Which window a scrape opens or closes, from the fake target's agents and policy. */
const windowOf = (t: FakeBenchTarget) => (!t.agentsRunning ? 'baseline' : t.announcing ? 'announce' : 'idle');
const isVariant = (t: FakeBenchTarget, nodes: number, services: number) =>
  t.scenario.nodes.count === nodes && t.scenario.services.announced === services;

const phases: {
  phase: string;
  at: (step: string, t: FakeBenchTarget) => boolean;
  /** Variants summarized before the interruption. */
  kept: number;
}[] = [
  { phase: 'creating the first services', at: (s, t) => s === 'services' && t.n === 1, kept: 0 },
  { phase: 'reconfiguring the shared cluster', at: (s) => s === 'reconfigure', kept: 1 },
  {
    phase: 'the baseline window',
    at: (s, t) => s === 'scrape' && isVariant(t, 2, 4) && windowOf(t) === 'baseline',
    kept: 1,
  },
  { phase: 'starting the second cluster', at: (s, t) => s === 'start' && t.n === 2, kept: 2 },
  { phase: 'preparing the second cluster', at: (s, t) => s === 'prepare' && t.n === 2, kept: 2 },
  {
    phase: 'the announce window',
    at: (s, t) => s === 'scrape' && isVariant(t, 3, 2) && windowOf(t) === 'announce',
    kept: 2,
  },
  {
    phase: 'the idle window',
    at: (s, t) => s === 'scrape' && isVariant(t, 3, 2) && windowOf(t) === 'idle',
    kept: 2,
  },
  { phase: 'a failover trial', at: (s, t) => s === 'fault' && isVariant(t, 3, 4), kept: 3 },
];

for (const { phase, at, kept } of phases) {
  test(`interrupted during ${phase}: the results keep what was measured and --resume runs the rest`, async () => {
    const first = await fakeRun(dir, file, { interrupt: at });
    assert.equal(first.error, null);
    assert.ok(first.dir);
    const partial = first.summary();
    assert.deepEqual(
      partial.variants.map((v) => v.id),
      ids.slice(0, kept),
    );
    assert.equal(partial.complete, false);
    assert.equal(partial.finishedAt, null);
    // Every cluster it started is gone.
    assert.ok(first.backend.targets.length > 0);
    assert.ok(first.backend.targets.every((t) => t.disposed));
    const samplesPath = join(first.dir, 'samples.jsonl');
    const measured = existsSync(samplesPath) ? readFileSync(samplesPath, 'utf8').trim().split('\n') : [];
    for (const id of ids.slice(0, kept)) {
      const windows = first.samples().filter((l) => l.type === 'window' && l.variantId === id);
      assert.deepEqual(
        windows.map((w) => (w.type === 'window' ? w.phase : '')),
        ['baseline', 'announce', 'idle'],
      );
    }

    const second = await fakeRun(dir, file, { resume: first.dir });
    assert.equal(second.error, null);
    assert.equal(second.dir, first.dir);
    // Only the variants not summarized run, from the interrupted one on.
    assert.deepEqual(
      second.lines.filter((l) => l.startsWith('[')).map((l) => l.split(' ')[1]),
      ids.slice(kept),
    );
    const done = second.summary();
    assert.deepEqual(
      done.variants.map((v) => v.id),
      ids,
    );
    assert.equal(done.complete, true);
    assert.equal(done.startedAt, partial.startedAt);
    // Nothing measured is lost: the unfinished variant's first samples are set aside, so each
    // variant's windows and trial are in samples.jsonl once.
    const asidePath = join(first.dir, INTERRUPTED_SAMPLES);
    const now = new Set([
      ...readFileSync(samplesPath, 'utf8').trim().split('\n'),
      ...(existsSync(asidePath) ? readFileSync(asidePath, 'utf8').trim().split('\n') : []),
    ]);
    assert.deepEqual(
      measured.filter((l) => !now.has(l)),
      [],
    );
    for (const id of ids) {
      const own = second.samples().filter((l) => l.variantId === id);
      assert.deepEqual(
        own.flatMap((l) => (l.type === 'window' ? [l.phase] : l.type === 'trial' ? [l.fault] : [])),
        ['baseline', 'announce', 'idle', 'node-crash'],
        id,
      );
    }
  });
}

test('--resume of a directory that holds no results is refused in one line', async () => {
  const run = await fakeRun(dir, file, { resume: dir.root });
  assert.ok(run.error instanceof ScenarioError);
  assert.equal(
    (run.error as Error).message,
    `--resume ${dir.root}: not a results directory (no summary.json or samples.jsonl)`,
  );
  assert.equal(run.backend.targets.length, 0);
});

test('a failed prepare whose teardown fails too reports both, and the run stops', async () => {
  const run = await fakeRun(dir, file, {
    failAt: (step) => {
      if (step === 'prepare') throw new Error('prepare broke');
      if (step === 'dispose') throw new Error('dispose broke');
    },
  });
  assert.ok(run.error instanceof AggregateError, String(run.error));
  assert.equal(run.error.message, `variant ${ids[0]}: prepare failed, and so did the teardown after it`);
  assert.deepEqual(
    run.error.errors.map((e: Error) => e.message),
    ['prepare broke', 'dispose broke'],
  );
  assert.equal(run.summary().variants.length, 0);
});

test('--parallel: every cluster that failed is reported, and the others stop', async () => {
  const run = await fakeRun(dir, file, {
    parallel: 2,
    failAt: (step, t) => {
      if (step === 'prepare') throw new Error(`prepare of t${t.n} broke`);
    },
  });
  assert.ok(run.error instanceof AggregateError, String(run.error));
  assert.equal(run.error.message, '2 clusters failed');
  assert.deepEqual(run.error.errors.map((e: Error) => e.message).sort(), [
    'prepare of t1 broke',
    'prepare of t2 broke',
  ]);
  assert.ok(run.backend.targets.every((t) => t.disposed));
});

test('one failed cluster of two: the other stops at its next step, its finished variants kept', async () => {
  const run = await fakeRun(dir, file, {
    parallel: 2,
    failAt: (step, t) => {
      if (step === 'reconfigure' && t.n === 2) throw new Error('reconfigure of t2 broke');
    },
  });
  assert.equal((run.error as Error).message, 'reconfigure of t2 broke');
  const summary = run.summary();
  assert.equal(summary.complete, false);
  // t2's first variant finished before its reconfigure broke; t1 stopped at its next step.
  assert.ok(summary.variants.some((v) => v.id === ids[2]));
  assert.ok(summary.variants.length < 4);
  assert.ok(run.backend.targets.every((t) => t.disposed));
});
