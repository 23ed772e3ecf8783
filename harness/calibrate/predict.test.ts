import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { leaseModelForScenario } from '../measure/analytic-model.js';
import { repoRoot } from '../paths.js';
import { Summary } from '../results/results-schema.js';
import { expandVariants } from '../scenario/expand-variants.js';
import { loadScenario } from '../scenario/scenario-file.js';
import { type CalibrationPoint, fitComponent } from './calibration-fit.js';
import type { Calibration } from './calibration-schema.js';
import { decomposeSummary, formatPredictions, predictVariant } from './predict.js';

// A calibration whose windows follow 1 CPU-ms per GET and 3 per PUT at kube-apiserver, 1 per PUT at etcd.
function calibration(): Calibration {
  const rates: Record<string, number>[] = [
    {},
    { GET: 10 },
    { GET: 50 },
    { PUT: 10, GET: 0.2 },
    { PUT: 50, GET: 0.2 },
  ];
  const wobble = [0.3, -0.2, 0.1, -0.1, 0.2];
  const pts = (perGet: number, perPut: number): CalibrationPoint[] =>
    rates.map((r, i) => ({
      perSecond: r,
      millicores: 10 + perGet * (r.GET ?? 0) + perPut * (r.PUT ?? 0) + wobble[i]!,
    }));
  return {
    formatVersion: 1,
    createdAt: '2026-01-01T00:00:00Z',
    environment: {
      hostname: 'h',
      cpuModel: 'cpu',
      cores: 2,
      memoryBytes: 1,
      kernel: 'k',
      node: 'v20',
      l2benchVersion: '0',
      backend: 'local',
      tools: [],
    },
    identity: 'client-certificate',
    windowSeconds: 10,
    verbs: ['GET', 'PUT'],
    windows: [],
    fits: {
      apiserver: fitComponent(pts(1, 3), ['GET', 'PUT']),
      etcd: fitComponent(pts(0, 1), ['GET', 'PUT']),
    },
  };
}

test('predict multiplies each variant of seed-homelab by the calibrated costs', async () => {
  const c = calibration();
  const variants = expandVariants(await loadScenario('seed-homelab'));
  const five = variants.find((v) => v.scenario.services.announced === 5)!;
  const m = leaseModelForScenario(five.scenario);
  const p = predictVariant(five, c);
  const expected = m.getPerSecond * 1 + m.updatePerSecond * 4;
  assert.ok(
    Math.abs(p.controlPlane.estimate - expected) < 0.05 * expected,
    `${p.controlPlane.estimate} vs ${expected}`,
  );
  assert.ok(p.controlPlane.lo <= p.controlPlane.estimate && p.controlPlane.estimate <= p.controlPlane.hi);
  const one = predictVariant(variants.find((v) => v.scenario.services.announced === 1)!, c);
  assert.ok(one.controlPlane.estimate < p.controlPlane.estimate);
  assert.match(formatPredictions(c, [p]), /v0\d-announced=5\S*: GET \d+\.\d\d\/s, PUT/);
  // Against idle agents the operator's own Lease cancels: the service Leases alone.
  const services = m.lines.find((l) => l.name === 'service-leases')!;
  assert.deepEqual(p.perSecondVsIdle, { GET: services.getPerSecond, PUT: services.updatePerSecond });
  assert.ok(p.controlPlaneVsIdle.estimate < p.controlPlane.estimate);
  assert.match(formatPredictions(c, [p]), /vs idle agents \(service Leases only: GET/);
});

test('a run is decomposed against its idle windows where it has them, else against no agents', () => {
  const c = calibration();
  const summary = Summary.parse(
    JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/results-seed-homelab-quick/summary.json'), 'utf8')),
  );
  const [first] = summary.variants;
  assert.ok(first?.cpu.overheadVsIdleMillicores, 'the fixture has idle windows');
  const [withIdle] = decomposeSummary(summary, c);
  assert.equal(withIdle?.reference, 'idle agents');
  assert.deepEqual(withIdle?.measured, first.cpu.overheadVsIdleMillicores);
  assert.ok(Math.abs(withIdle.residual - (withIdle.measured.median - withIdle.explained.estimate)) < 1e-9);
  const { overheadVsIdleMillicores: _, ...cpu } = first.cpu;
  const [noIdle] = decomposeSummary({ ...summary, variants: [{ ...first, cpu }] }, c);
  assert.equal(noIdle?.reference, 'no agents');
  assert.deepEqual(noIdle?.measured, first.cpu.controlPlaneOverheadMillicores);
  assert.match(formatPredictions(c, [], [withIdle]), /mCPU \(vs idle agents\) = /);
});
