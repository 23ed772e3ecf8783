import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ResultsError } from '../harness/errors.js';
import { loadResults } from './load-results.js';
import { msg } from './messages.js';
import { type SyntheticRun, syntheticRun, writeSyntheticRun } from './testing/synthetic-run.js';

let root: string;
let run: SyntheticRun;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'l2bench-load-'));
  run = syntheticRun({
    variants: [{ nodes: 3, services: 10, faults: ['node-crash'], trialsPerFault: 3 }],
    repetitions: 2,
    windowSeconds: 5,
  });
});
after(() => rm(root, { recursive: true, force: true }));

async function runDir(name: string): Promise<string> {
  const dir = join(root, name);
  await writeSyntheticRun(dir, run);
  return dir;
}

/** Asserts a ResultsError with a one-line message that contains every fragment. */
async function rejectsWith(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ResultsError, `expected ResultsError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" mentions "${f}"`);
    return true;
  });
}

test('reads a run directory and sorts the samples by type', async () => {
  const r = await loadResults(await runDir('ok'));
  assert.equal(r.summary.runId, run.summary.runId);
  assert.equal(r.windows.length, 4, '2 repetitions × baseline/announce');
  assert.equal(r.trials.length, 3);
  assert.equal(
    r.cpuSamples.length + r.phases.length + r.windows.length + r.trials.length,
    run.samples.length,
  );
  assert.deepEqual(r.warnings, []);
});

test('drops an unterminated, unparsable last line with a warning (an interrupted run)', async () => {
  const dir = await runDir('truncated');
  await appendFile(join(dir, 'samples.jsonl'), '{"type":"cpu","variantId":"v01","tMs":17');
  const r = await loadResults(dir);
  assert.equal(
    r.cpuSamples.length + r.phases.length + r.windows.length + r.trials.length,
    run.samples.length,
  );
  assert.deepEqual(r.warnings, [msg.truncatedLastLine('samples.jsonl', run.samples.length + 1, 40)]);
});

test('accepts a complete last line without a newline', async () => {
  const dir = await runDir('no-newline');
  const text = await readFile(join(dir, 'samples.jsonl'), 'utf8');
  await writeFile(join(dir, 'samples.jsonl'), text.trimEnd());
  const r = await loadResults(dir);
  assert.equal(r.trials.length, 3);
  assert.deepEqual(r.warnings, []);
});

test('a broken line that is not the last is an error naming file and line', async () => {
  const dir = await runDir('broken-middle');
  const lines = (await readFile(join(dir, 'samples.jsonl'), 'utf8')).split('\n');
  lines[4] = '{"type":"cpu", oops';
  await writeFile(join(dir, 'samples.jsonl'), lines.join('\n'));
  await rejectsWith(loadResults(dir), 'samples.jsonl line 5', 'not valid JSON');
});

test('a line that does not match the schema names the field', async () => {
  const dir = await runDir('bad-field');
  await appendFile(
    join(dir, 'samples.jsonl'),
    '{"type":"cpu","variantId":"v01","tMs":"soon","role":"etcd","cpuSeconds":1,"rssBytes":1}\n',
  );
  await rejectsWith(loadResults(dir), `samples.jsonl line ${run.samples.length + 1}`, 'tMs');
});

test('summary.json: missing, not JSON, or off-schema are one-line errors naming the file', async () => {
  const dir = await runDir('summary');
  await rm(join(dir, 'summary.json'));
  await rejectsWith(loadResults(dir), 'summary.json', 'not found');
  await writeFile(join(dir, 'summary.json'), '{"formatVersion": 1,\n');
  await rejectsWith(loadResults(dir), 'summary.json', 'not valid JSON');
  const bad = structuredClone(run.summary) as unknown as {
    variants: { cpu: { baselineMillicores: { lo: unknown } } }[];
  };
  bad.variants[0]!.cpu.baselineMillicores.lo = 'low';
  await writeFile(join(dir, 'summary.json'), JSON.stringify(bad));
  await rejectsWith(loadResults(dir), 'summary.json', 'variants.0.cpu.baselineMillicores.lo');
});

test('without environment.json the summary copy is used, with a warning', async () => {
  const dir = await runDir('no-env');
  await rm(join(dir, 'environment.json'));
  const r = await loadResults(dir);
  assert.deepEqual(r.environment, run.summary.environment);
  assert.deepEqual(r.warnings, [msg.environmentFromSummary()]);
});

test('samples of a variant the summary does not list (unfinished) are left out, with a warning', async () => {
  const dir = await runDir('unfinished');
  await appendFile(
    join(dir, 'samples.jsonl'),
    '{"type":"cpu","variantId":"v99","tMs":1,"role":"etcd","cpuSeconds":1,"rssBytes":1}\n',
  );
  const r = await loadResults(dir);
  assert.ok(r.cpuSamples.every((s) => s.variantId === 'v01'));
  assert.deepEqual(r.warnings, [msg.samplesWithoutVariant(['v99'])]);
});
