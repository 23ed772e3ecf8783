import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrationTable } from './calibration-table.js';
import { reportMarkdown } from './report-markdown.js';
import { SMALL_RUN, syntheticRun } from './testing/synthetic-run.js';

const { summary, environment } = syntheticRun(SMALL_RUN);
const c = (estimate: number, lo: number, hi: number) => ({ estimate, lo, hi });

test('no table without an in-run calibration', () => {
  assert.equal(calibrationTable(summary.variants), null);
});

test('a row per calibrated variant: unit costs, prediction beside announce − idle, the error', () => {
  const [first, ...rest] = summary.variants;
  const calibrated = {
    ...first!,
    cpu: { ...first!.cpu, overheadVsIdleMillicores: { median: 24, lo: 21, hi: 32, n: 3 } },
    calibration: {
      loadWindows: 6,
      idleWindows: 3,
      apiserverMsPerRequest: { GET: c(2.6, 2.4, 2.9), PUT: c(4.25, 4, 4.5) },
      etcdMsPerRequest: { GET: c(1.2, 1, 1.4), PUT: c(2.32, 2.1, 2.5) },
      modelPerSecondVsIdle: { GET: 4.6, PUT: 3 },
      predictedVsIdleMillicores: c(36, 33, 40),
      errorPct: 50,
      file: 'calibration-v01.json',
    },
  };
  const t = calibrationTable([calibrated, ...rest]);
  assert.ok(t);
  assert.equal(t.rows.length, 1);
  const row = Object.fromEntries(t.columns.map((k, i) => [k, t.rows[0]![i]]));
  assert.equal(row['kube-apiserver CPU-ms per GET / PUT'], '2.60 [2.40, 2.90] / 4.25 [4.00, 4.50]');
  assert.equal(row['predicted vs idle, mCPU'], '36 [33, 40]');
  assert.match(row['measured vs idle'] ?? '', /^24 mCPU \[21, 32\]/);
  assert.equal(row.error, '+50%');
  const md = reportMarkdown({
    run: { summary: { ...summary, variants: [calibrated, ...rest] }, environment, warnings: [] },
    charts: [],
  });
  assert.match(md, /## Prediction from the in-run calibration/);
});
