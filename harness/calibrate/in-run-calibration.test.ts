import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { leaseModelForScenario, serviceLeasesOnly } from '../measure/analytic-model.js';
import type { Environment, WindowRecord } from '../results/results-schema.js';
import { summarizeVariant } from '../run/summarize-variant.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { Calibration } from './calibration-schema.js';
import { fitInRun, inRunCalibration, summarizeInRunCalibration } from './in-run-calibration.js';

// A control plane whose CPU is exactly 40 + 3 ms per GET + 5 ms per PUT (kube-apiserver) and
// 10 + 1 ms per GET + 2 ms per PUT (etcd), with a little deterministic noise.
const API = { base: 40, GET: 3, PUT: 5 };
const ETCD = { base: 10, GET: 1, PUT: 2 };

function window(
  rep: number,
  phase: WindowRecord['phase'],
  get: number,
  put: number,
  load?: WindowRecord['load'],
  noise = 0,
): WindowRecord {
  const apiserver = API.base + API.GET * get + API.PUT * put + noise;
  const etcd = ETCD.base + ETCD.GET * get + ETCD.PUT * put;
  return {
    type: 'window',
    variantId: 'v01',
    repetition: rep,
    phase,
    ...(load ? { load } : {}),
    startMs: 1_000_000 + rep * 100_000,
    endMs: 1_040_000 + rep * 100_000,
    cpuMillicores: { apiserver, etcd, controlPlane: apiserver + etcd, announcers: 20, harness: 5 },
    leaseRequests: [
      { verb: 'GET', code: '200', perSecond: get },
      { verb: 'PUT', code: '200', perSecond: put },
    ],
    etcd: { writesPerSecond: put, fsyncsPerSecond: null, dbSizeGrowthBytes: null },
    announcerRssBytes: null,
  };
}

function runWindows(): WindowRecord[] {
  const out: WindowRecord[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const n = rep - 1; // -1, 0, 1 mCPU of noise
    out.push(window(rep, 'announce', 6.2, 3.1, undefined, n));
    out.push(window(rep, 'idle', 0.1, 0.5, undefined, -n));
    out.push(window(rep, 'calibration', 40.1, 0.5, { verb: 'GET', targetPerSecond: 40 }, n));
    out.push(window(rep, 'calibration', 0.2, 40.4, { verb: 'PUT', targetPerSecond: 40 }, -n));
  }
  return out;
}

const scenario = parseScenario(
  stringify({
    name: 'inrun',
    nodes: { count: 3, unselected: { count: 1 } },
    services: { announced: 5 },
    measurement: {
      baseline: false,
      idle: true,
      repetitions: 3,
      calibration: { getPerSecond: [40], putPerSecond: [40] },
    },
  }),
  'test',
);

test('the in-run fit recovers the per-verb costs from the idle and load windows', () => {
  const fit = fitInRun(runWindows(), 'v01');
  assert.ok(fit);
  assert.equal(fit.windows.length, 9, 'idle and calibration windows, not the announce windows');
  const near = (x: number, want: number, tol: number) =>
    assert.ok(Math.abs(x - want) <= tol, `${x} vs ${want}`);
  near(fit.fits.apiserver.perRequest.GET!.estimate, API.GET, 0.1);
  near(fit.fits.apiserver.perRequest.PUT!.estimate, API.PUT, 0.1);
  near(fit.fits.etcd.perRequest.GET!.estimate, ETCD.GET, 1e-6);
  near(fit.fits.etcd.perRequest.PUT!.estimate, ETCD.PUT, 1e-6);
  // The environment is the run's, copied as is.
  const environment = { backend: 'local' } as unknown as Environment;
  const cal = inRunCalibration(fit, { environment, windowSeconds: 40 });
  assert.equal(cal.environment, environment);
  assert.equal(cal.identity, 'bearer-token');
  assert.deepEqual(cal.verbs, ['GET', 'PUT']);
  assert.equal(cal.windows.filter((w) => w.verb === null).length, 3);
  assert.equal(new Date(cal.createdAt).getTime(), 1_240_000, 'stamped with the last window end');
  Calibration.omit({ environment: true }).parse(cal);
});

test('no fit without a load window of each verb', () => {
  const onlyGets = runWindows().filter((w) => w.load?.verb !== 'PUT');
  assert.equal(fitInRun(onlyGets, 'v01'), null);
  assert.equal(fitInRun(runWindows(), 'v02'), null, 'another variant has no windows here');
});

test("the prediction is the model's service-Lease rates × fitted costs, beside announce − idle", () => {
  const fit = fitInRun(runWindows(), 'v01')!;
  const model = serviceLeasesOnly(leaseModelForScenario(scenario));
  const want = model.getPerSecond * (API.GET + ETCD.GET) + model.updatePerSecond * (API.PUT + ETCD.PUT);
  const s = summarizeInRunCalibration(fit, scenario, { median: 40, lo: 30, hi: 50, n: 3 }, 'v01');
  assert.ok(
    Math.abs(s.predictedVsIdleMillicores.estimate - want) < 1,
    `${s.predictedVsIdleMillicores.estimate} vs ${want}`,
  );
  assert.equal(s.loadWindows, 6);
  assert.equal(s.idleWindows, 3);
  assert.equal(s.file, 'calibration-v01.json');
  assert.ok(Math.abs(s.errorPct! - ((s.predictedVsIdleMillicores.estimate - 40) / 40) * 100) < 1e-9);
  assert.equal(
    summarizeInRunCalibration(fit, scenario, { median: -2, lo: -5, hi: 1, n: 3 }, 'v01').errorPct,
    null,
  );
});

test('the variant summary carries the in-run calibration and keeps its windows out of the phases', () => {
  const v = summarizeVariant(
    { id: 'v01', label: 'base', params: {}, scenario, announceTimeMs: 1000 },
    runWindows(),
    [],
    leaseModelForScenario(scenario),
    4,
  );
  assert.ok(v.calibration, 'calibration summarized');
  assert.ok(!v.notes.some((n) => n.includes('two calibration windows')), v.notes.join('; '));
  // announce − idle: 4 windows' noise cancels to the model-free truth of the synthetic plane.
  const truth = API.GET * 6.1 + API.PUT * 2.6 + ETCD.GET * 6.1 + ETCD.PUT * 2.6;
  assert.ok(Math.abs((v.cpu.overheadVsIdleMillicores?.median ?? 0) - truth) <= 2.5);
});
