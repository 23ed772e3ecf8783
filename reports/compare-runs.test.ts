import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ScenarioError } from '../harness/errors.js';
import { comparisonMarkdown } from './compare-markdown.js';
import { compareRuns, variantKey } from './compare-runs.js';
import { msg } from './messages.js';
import { type SyntheticOptions, syntheticRun, writeSyntheticRun } from './testing/synthetic-run.js';

const variants: SyntheticOptions['variants'] = [
  { nodes: 3, services: 10 },
  { nodes: 3, services: 200, faults: ['node-crash'], trialsPerFault: 6 },
];
let root: string;
const dirs: Record<string, string> = {};
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'l2bench-compare-'));
  const write = async (name: string, options: SyntheticOptions) => {
    dirs[name] = join(root, name);
    await writeSyntheticRun(dirs[name]!, syntheticRun(options));
  };
  await write('a', { runId: 'run-a', variants, seed: 1, repetitions: 5 });
  // Same sweep, twice the control-plane CPU per lease request: clearly more overhead.
  await write('heavier', { runId: 'run-heavier', variants, seed: 2, repetitions: 5, mcpuPerRequest: 0.8 });
  await write('two-reps', { runId: 'run-two', variants, seed: 3, repetitions: 2, mcpuPerRequest: 0.8 });
  // The same sweep announced by kube-vip: the peer comparison.
  await write('kube-vip', {
    runId: 'run-kube-vip',
    variants: variants.map((v) => ({ ...v, implementation: 'kube-vip' })),
    seed: 5,
    repetitions: 5,
  });
  await write('extra', {
    runId: 'run-extra',
    variants: [...variants, { nodes: 5, services: 10 }],
    seed: 4,
    repetitions: 5,
  });
});
after(() => rm(root, { recursive: true, force: true }));

const big = '3 nodes × 200 services, lease 15/5/2 s';

test('a run compared with itself shows no change beyond noise and passes its gates', async () => {
  const c = await compareRuns([dirs.a!, dirs.a!], {
    failIf: ['cpu.overhead > +20%', 'failover.crash.p95 > +10%'],
  });
  const metrics = c.pairs[0]!.variants.flatMap((v) => v.metrics);
  assert.ok(metrics.length >= 2 * 3 + 2, 'cpu, GET/PUT rates per variant and crash p50/p95 compared');
  for (const m of metrics) {
    if (m.metric.endsWith('.p95')) {
      assert.equal(m.verdict, 'too few values', `${m.metric}: 6 trials are too few for a p95 interval`);
      continue;
    }
    assert.equal(m.verdict, 'within noise', m.metric);
    assert.equal(m.difference?.estimate, 0);
    assert.ok(m.difference!.lo <= 0 && m.difference!.hi >= 0);
  }
  assert.deepEqual(c.violations, []);
  assert.equal(c.exitCode, 0);
});

test('clearly higher CPU is flagged in the right direction and fails a gate with one line per violation', async () => {
  const c = await compareRuns([dirs.a!, dirs.heavier!], { failIf: ['cpu.overhead > +20%'] });
  const cpu = c.pairs[0]!.variants.find((v) => v.label === big)!.metrics.find(
    (m) => m.metric === 'cpu.overhead',
  )!;
  assert.equal(cpu.verdict, 'changed');
  assert.ok(cpu.difference!.lo > 0, 'whole interval above 0');
  assert.ok(cpu.relative! > 0.5);
  assert.equal(c.exitCode, 99);
  assert.ok(
    c.violations.some((v) => v.startsWith(`cpu.overhead > +20%: ${big}: changed +`)),
    c.violations.join('\n'),
  );
  for (const v of c.violations) assert.ok(!v.includes('\n'));

  const reverse = await compareRuns([dirs.heavier!, dirs.a!], {
    failIf: ['cpu.overhead > +20%', 'cpu.overhead < -20%'],
  });
  const down = reverse.pairs[0]!.variants.find((v) => v.label === big)!.metrics.find(
    (m) => m.metric === 'cpu.overhead',
  )!;
  assert.ok(down.difference!.hi < 0, 'lower in the candidate');
  assert.deepEqual(reverse.gates[0]!.violations, [], 'an increase gate is not violated by a decrease');
  assert.ok(reverse.gates[1]!.violations.length > 0);
});

test('with fewer than 3 repetitions there is no interval, no verdict of change, and the gate says it used the point estimate', async () => {
  const c = await compareRuns([dirs.a!, dirs['two-reps']!], { failIf: ['cpu.overhead > +20%'] });
  const cpu = c.pairs[0]!.variants.find((v) => v.label === big)!.metrics.find(
    (m) => m.metric === 'cpu.overhead',
  )!;
  assert.equal(cpu.verdict, 'too few values');
  assert.equal(cpu.difference, null);
  assert.ok(
    c.violations.some((v) => v.includes('no interval (n=5 vs 2, need 3 each)')),
    c.violations.join('\n'),
  );
});

test('variants match by label and params; unmatched ones are listed', async () => {
  const c = await compareRuns([dirs.a!, dirs.extra!]);
  assert.deepEqual(c.pairs[0]!.onlyInCandidate, ['5 nodes × 10 services, lease 15/5/2 s']);
  assert.deepEqual(c.pairs[0]!.onlyInBaseline, []);
  assert.equal(c.pairs[0]!.variants.length, 2);
  assert.equal(
    variantKey({ label: 'x', params: { b: 1, a: 2 } }),
    variantKey({ label: 'x', params: { a: 2, b: 1 } }),
  );
  assert.notEqual(variantKey({ label: 'x', params: { a: 1 } }), variantKey({ label: 'x', params: { a: 2 } }));
});

test('a bundled run and a kube-vip run of one scenario are matched side by side, and the note says who announced', async () => {
  const c = await compareRuns([dirs.a!, dirs['kube-vip']!]);
  assert.equal(c.pairs[0]!.variants.length, 2);
  assert.ok(
    c.pairs[0]!.notes.includes(`${big}: baseline announced by l2bench-announcer, candidate by kube-vip.`),
    c.pairs[0]!.notes.join(' | '),
  );
});

test('a gate whose metric no variant has is a violation, not a silent pass', async () => {
  const c = await compareRuns([dirs.a!, dirs.a!], { failIf: ['failover.graceful.p95 > +10%'] });
  assert.deepEqual(c.violations, [msg.gateNoData('failover.graceful.p95 > +10%')]);
  assert.equal(c.exitCode, 99);
});

test('gate syntax is checked before any run is read; fewer than two runs is an error', async () => {
  await assert.rejects(compareRuns(['/nonexistent', '/nonexistent'], { failIf: ['cpu > 1'] }), ScenarioError);
  await assert.rejects(compareRuns([dirs.a!]), { message: msg.tooFewRuns(1) });
});

test('markdown: one aligned table per candidate, the verdicts and the gate results', async () => {
  const c = await compareRuns([dirs.a!, dirs.heavier!], { failIf: ['cpu.overhead > +20%'] });
  const md = comparisonMarkdown(c);
  assert.ok(md.includes('## run-heavier vs run-a'));
  assert.ok(
    md.includes('| variant | metric | baseline | candidate | difference [95% CI] | relative | verdict |'),
  );
  assert.ok(md.includes('**changed beyond noise**'));
  assert.ok(md.includes(`- **FAIL**: cpu.overhead > +20%: ${big}`));
  assert.deepEqual(JSON.parse(JSON.stringify(c)), c, 'the comparison is plain JSON data');
});
