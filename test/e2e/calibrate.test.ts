import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Calibration } from '../../harness/calibrate/calibration-schema.js';
import { runCalibration } from '../../harness/calibrate/run-calibration.js';
import { runScenario } from '../../harness/run/run-scenario.js';

const asRoot = process.getuid?.() === 0;

test('calibrate drives Lease GETs and PUTs at the asked rates and fits a cost per verb', {
  skip: !asRoot && 'needs root',
  timeout: 300_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-e2e-calibrate-'));
  try {
    const out = join(dir, 'calibration.json');
    await runCalibration({
      rates: { GET: [5, 20], PUT: [5, 20] },
      idleWindows: 1,
      windowSeconds: 8,
      warmupSeconds: 3,
      out,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    const c = Calibration.parse(JSON.parse(readFileSync(out, 'utf8')));
    assert.equal(c.windows.length, 5);
    // constant-arrival-rate starts RATE requests a second whatever the latency (VUs to spare);
    // the API server's own identity lease adds ~0.1/s. 25% covers a slow second on a busy host.
    for (const w of c.windows.filter((x) => x.verb !== null)) {
      const got = w.perSecond[w.verb!] ?? 0;
      assert.ok(
        Math.abs(got - w.targetPerSecond) <= 0.25 * w.targetPerSecond,
        `${w.verb} ${w.targetPerSecond}/s: measured ${got}/s`,
      );
    }
    // A PUT window sends PUTs, not GET + PUT pairs: one GET per VU at most.
    for (const w of c.windows.filter((x) => x.verb === 'PUT'))
      assert.ok((w.perSecond.GET ?? 0) < 0.2 * w.targetPerSecond, JSON.stringify(w.perSecond));
    assert.equal(c.identity, 'bearer-token');
    for (const k of ['apiserver', 'etcd'] as const)
      for (const v of ['GET', 'PUT'])
        assert.ok(Number.isFinite(c.fits[k].perRequest[v]?.estimate), `${k} ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run with measurement.calibration drives k6 over the idle agents and fits the costs on its own cluster', {
  skip: !asRoot && 'needs root',
  timeout: 300_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-e2e-inrun-'));
  try {
    const file = join(root, 'inrun.yaml');
    writeFileSync(
      file,
      [
        'name: inrun',
        'nodes: {count: 2}',
        'services: {announced: 2}',
        'measurement:',
        '  warmupSeconds: 3',
        '  windowSeconds: 8',
        '  repetitions: 1',
        '  baseline: false',
        '  calibration: {getPerSecond: [20], putPerSecond: [20], warmupSeconds: 3}',
        '',
      ].join('\n'),
    );
    const { dir, summary } = await runScenario({
      scenario: file,
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    const windows = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'window' && l.phase === 'calibration');
    assert.deepEqual(
      windows.map((w) => `${w.load.verb} ${w.load.targetPerSecond}`),
      ['GET 20', 'PUT 20'],
    );
    // The load rides on the idle agents' few requests: its verb's rate is the asked one, ±25%.
    for (const w of windows) {
      const got = w.leaseRequests
        .filter((r: { verb: string }) => r.verb === w.load.verb)
        .reduce((s: number, r: { perSecond: number }) => s + r.perSecond, 0);
      assert.ok(Math.abs(got - 20) <= 5, `${w.load.verb}: ${got}/s`);
    }
    const cal = summary.variants[0]?.calibration;
    assert.ok(cal, 'the summary carries the in-run calibration');
    for (const v of ['GET', 'PUT']) assert.ok(Number.isFinite(cal.apiserverMsPerRequest[v]?.estimate), v);
    const c = Calibration.parse(JSON.parse(readFileSync(join(dir, cal.file), 'utf8')));
    assert.equal(c.windows.filter((w) => w.verb === null).length, 1, 'the idle window is the intercept');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
