import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CalibrationPoint, fitComponent, leastSquares, predictMillicores } from './calibration-fit.js';

test('leastSquares recovers an exact linear relation and reports a singular design', () => {
  const rows = [
    [1, 0],
    [1, 1],
    [1, 2],
  ];
  const b = leastSquares(rows, [3, 5, 7]);
  assert.ok(b);
  assert.ok(Math.abs(b[0]! - 3) < 1e-9 && Math.abs(b[1]! - 2) < 1e-9);
  assert.equal(
    leastSquares(
      [
        [1, 1],
        [1, 1],
      ],
      [1, 2],
    ),
    null,
  );
});

// Noise from a fixed sequence: 20 mCPU idle, 0.5 mCPU per GET/s, 1.5 mCPU per PUT/s.
function points(): CalibrationPoint[] {
  const noise = [1.2, -0.8, 0.5, -1.1, 0.9, -0.3, 0.7, -0.6, 0.2, -0.4, 1.0, -0.9];
  const rates: Record<string, number>[] = [
    {},
    {},
    { GET: 20 },
    { GET: 20 },
    { GET: 50 },
    { GET: 50 },
    { GET: 100 },
    { GET: 100 },
    { PUT: 20, GET: 0.5 },
    { PUT: 50, GET: 0.5 },
    { PUT: 100, GET: 0.5 },
    { PUT: 100, GET: 0.5 },
  ];
  return rates.map((perSecond, i) => ({
    perSecond,
    millicores: 20 + 0.5 * (perSecond.GET ?? 0) + 1.5 * (perSecond.PUT ?? 0) + noise[i]!,
  }));
}

test('fitComponent separates per-verb costs and its bootstrap interval covers the true cost', () => {
  const fit = fitComponent(points(), ['GET', 'PUT']);
  const get = fit.perRequest.GET!;
  const put = fit.perRequest.PUT!;
  assert.ok(Math.abs(get.estimate - 0.5) < 0.05, `GET ${get.estimate}`);
  assert.ok(Math.abs(put.estimate - 1.5) < 0.05, `PUT ${put.estimate}`);
  assert.ok(get.lo <= 0.5 && 0.5 <= get.hi && get.hi - get.lo < 0.2);
  assert.ok(put.lo <= 1.5 && 1.5 <= put.hi && put.hi - put.lo < 0.2);
  assert.ok(Math.abs(fit.intercept.estimate - 20) < 2);
  assert.ok(fit.draws.length > 100 && fit.draws.length <= 400);
});

test('the bootstrap resamples within strata: one window per rate still gives a usable interval', () => {
  // kube-apiserver mCPU of a real `l2bench calibrate` (2026-12-03, bearer token): 2 idle windows,
  // GET and PUT at 10, 40, 100/s; the control plane's own Leases add 1.1 PUT/s to every window.
  const w = (stratum: string, perSecond: Record<string, number>, millicores: number) => ({
    perSecond,
    millicores,
    stratum,
  });
  const design: CalibrationPoint[] = [
    w('idle', { PUT: 1.1 }, 28.5),
    w('idle', { PUT: 1.1 }, 29.5),
    w('GET', { GET: 10, PUT: 1.1 }, 58.0),
    w('GET', { GET: 40, PUT: 1.1 }, 116.5),
    w('GET', { GET: 100, PUT: 1.1 }, 241.5),
    w('PUT', { PUT: 11.1 }, 82.5),
    w('PUT', { PUT: 41.1 }, 214.4),
    w('PUT', { PUT: 101.0 }, 436.3),
  ];
  const fit = fitComponent(design, ['GET', 'PUT']);
  for (const [verb, c] of Object.entries(fit.perRequest))
    assert.ok(c.lo > 0 && c.hi < 2 * c.estimate, `${verb} ${c.estimate} [${c.lo}, ${c.hi}]`);
  const wild = (f: ReturnType<typeof fitComponent>) => f.draws.filter((d) => d.some((c) => c < 0 || c > 20));
  assert.deepEqual(wild(fit), []);
  const seed = predictMillicores(fit, ['GET', 'PUT'], { GET: 5.6, PUT: 2.5 });
  assert.ok(seed.hi < 1.5 * seed.estimate, `${seed.estimate} [${seed.lo}, ${seed.hi}]`);
  // Resampled across strata, draws mix designs (some without a verb's windows): a wider interval
  // for the same data (seeded, so this is not a matter of luck).
  const pooled = fitComponent(
    design.map(({ stratum: _, ...p }) => p),
    ['GET', 'PUT'],
  );
  const mixed = predictMillicores(pooled, ['GET', 'PUT'], { GET: 5.6, PUT: 2.5 });
  assert.ok(mixed.hi - mixed.lo > seed.hi - seed.lo);
});

test('fitComponent refuses windows that cannot tell the verbs apart', () => {
  const same: CalibrationPoint[] = [
    { perSecond: { GET: 10, PUT: 10 }, millicores: 30 },
    { perSecond: { GET: 20, PUT: 20 }, millicores: 50 },
    { perSecond: {}, millicores: 10 },
  ];
  assert.throws(() => fitComponent(same, ['GET', 'PUT']), /cannot separate GET, PUT/);
});

test('predictMillicores multiplies rates by costs and carries an interval', () => {
  const fit = fitComponent(points(), ['GET', 'PUT']);
  const p = predictMillicores(fit, ['GET', 'PUT'], { GET: 10, PUT: 4 });
  assert.ok(Math.abs(p.estimate - (10 * 0.5 + 4 * 1.5)) < 0.5);
  assert.ok(p.lo <= p.estimate && p.estimate <= p.hi);
});
