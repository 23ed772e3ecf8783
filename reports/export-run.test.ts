import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ScenarioError } from '../harness/errors.js';
import { repoRoot } from '../harness/paths.js';
import { exportRun } from './export-run.js';
import { finishRun } from './finish-run.js';
import { loadResults } from './load-results.js';
import { parseRunGates } from './run-gates.js';

const fixture = join(repoRoot, 'test/fixtures/results-small');

test('export: csv and openmetrics of a run directory; other formats refused', async () => {
  assert.match(await exportRun(fixture, 'csv'), /^scenario,run,variant,/);
  assert.match(await exportRun(fixture, 'openmetrics'), /# EOF\n$/);
  await assert.rejects(
    exportRun(fixture, 'parquet'),
    (err: unknown) =>
      err instanceof ScenarioError && err.message === '--format parquet: use one of csv, openmetrics',
  );
});

test('finishRun writes metrics.om and gates.json next to the summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-finish-run-'));
  try {
    cpSync(fixture, dir, { recursive: true });
    const { summary } = await loadResults(dir);
    const verdict = await finishRun(dir, summary, parseRunGates(['dualAnswering == 0'], []));
    assert.equal(verdict.exitCode, 0);
    assert.match(readFileSync(join(dir, 'metrics.om'), 'utf8'), /^l2bench_run_info\{/m);
    const gates = JSON.parse(readFileSync(join(dir, 'gates.json'), 'utf8'));
    assert.equal(gates.formatVersion, 1);
    assert.deepEqual(gates.gates[0], {
      expr: 'dualAnswering == 0',
      sense: 'threshold',
      checked: 1,
      breaches: [],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
