import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Calibration } from '../../harness/calibrate/calibration-schema.js';
import { runCalibration } from '../../harness/calibrate/run-calibration.js';

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
