import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../paths.js';
import { summaryJsonSchema } from './results-json-schema.js';
import { Environment, Summary } from './results-schema.js';
import { ResultsWriter } from './results-writer.js';

test('docs/summary.schema.json matches the zod schema (rerun scripts/write-results-schema.ts)', () => {
  const committed: unknown = JSON.parse(readFileSync(join(repoRoot, 'docs/summary.schema.json'), 'utf8'));
  assert.deepEqual(committed, summaryJsonSchema());
});

test('files written before formatVersion existed read as version 1', () => {
  const s = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/results-small/summary.json'), 'utf8'));
  delete s.formatVersion;
  assert.equal(Summary.parse(s).formatVersion, 1);
  assert.throws(() => Summary.parse({ ...s, formatVersion: 2 }));
});

test('the writer versions environment.json and samples.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-results-schema-'));
  try {
    const w = new ResultsWriter(dir);
    const env = Environment.parse(
      JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/results-small/environment.json'), 'utf8')),
    );
    w.writeEnvironment(env);
    assert.equal(JSON.parse(readFileSync(join(dir, 'environment.json'), 'utf8')).formatVersion, 1);
    const phase = {
      type: 'phase',
      variantId: 'v',
      phase: 'setup',
      label: 'x',
      startMs: 0,
      endMs: 1,
    } as const;
    w.append(phase);
    w.append(phase);
    const lines = readFileSync(join(dir, 'samples.jsonl'), 'utf8').trimEnd().split('\n');
    assert.deepEqual(JSON.parse(lines[0]!), { type: 'format', formatVersion: 1 });
    assert.equal(lines.length, 3);
    assert.equal(w.readSamples().length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
