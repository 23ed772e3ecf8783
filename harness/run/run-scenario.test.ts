import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expandVariants } from '../scenario/expand-variants.js';
import { loadScenario } from '../scenario/scenario-file.js';
import { estimateRun, formatSeconds } from './estimate-duration.js';
import { shapeGroups } from './shared-targets.js';
import { FakeRunDir, fakeRun, fakeScenario } from './testing/fake-run.js';

const dir = new FakeRunDir();
after(() => dir.close());

const crossFile = dir.write(
  fakeScenario({ name: 'cross', sweep: { 'nodes.count': [2, 3], 'services.announced': [2, 4] } }),
);

test('a cross sweep: every pair of values, one cluster per node shape, summary in sweep order', async () => {
  const run = await fakeRun(dir, crossFile);
  assert.equal(run.error, null);
  const summary = run.summary();
  assert.equal(summary.complete, true);
  assert.deepEqual(
    summary.variants.map((v) => v.params),
    [
      { 'nodes.count': 2, 'services.announced': 2 },
      { 'nodes.count': 2, 'services.announced': 4 },
      { 'nodes.count': 3, 'services.announced': 2 },
      { 'nodes.count': 3, 'services.announced': 4 },
    ],
  );
  // Two shapes: two targets, the second variant of each reconfigured, every target disposed.
  assert.deepEqual(
    run.backend.log.filter((l) => /^t\d (start|prepare|reconfigure|dispose)/.test(l)),
    [
      't1 start nodes=2',
      't1 prepare',
      't1 reconfigure services=4',
      't1 dispose',
      't2 start nodes=3',
      't2 prepare',
      't2 reconfigure services=4',
      't2 dispose',
    ],
  );
  assert.equal(run.backend.live, 0);
});

test('windows are measured on the fake clock: lease updates at the rate the fake target makes them', async () => {
  const run = await fakeRun(dir, crossFile);
  const windows = run.samples().flatMap((l) => (l.type === 'window' ? [l] : []));
  // Baseline, announce and idle per variant (one repetition).
  assert.equal(windows.length, 12);
  for (const w of windows) {
    assert.equal(w.endMs - w.startMs, 5000);
    const perSecond = w.leaseRequests.reduce((s, r) => s + r.perSecond, 0);
    const services = w.variantId.includes('announced=4') ? 4 : 2;
    // One update per service every 2 s while agents announce; none without agents or selection.
    assert.equal(perSecond, w.phase === 'announce' ? services / 2 : 0, `${w.variantId} ${w.phase}`);
  }
});

test('a zip sweep: the i-th values together, each shape on its own cluster', async () => {
  const file = dir.write(
    fakeScenario({
      name: 'zip',
      sweepMode: 'zip',
      sweep: { 'nodes.count': [2, 3, 4], 'services.announced': [2, 4, 6] },
    }),
  );
  const run = await fakeRun(dir, file);
  assert.deepEqual(
    run.summary().variants.map((v) => [v.params['nodes.count'], v.params['services.announced']]),
    [
      [2, 2],
      [3, 4],
      [4, 6],
    ],
  );
  assert.deepEqual(
    run.backend.log.filter((l) => l.includes(' start nodes')),
    ['t1 start nodes=2', 't2 start nodes=3', 't3 start nodes=4'],
  );
});

test('variants of one node shape share a cluster; notes say so and when services were kept', async () => {
  const file = dir.write(
    fakeScenario({
      name: 'shared',
      sweep: { 'announcer.retryPeriodMs': ['0.5s', '1s'], 'services.announced': [2, 4] },
    }),
  );
  const run = await fakeRun(dir, file);
  const summary = run.summary();
  assert.equal(run.backend.targets.length, 1);
  const [first, second, third, fourth] = summary.variants;
  assert.ok(first && second && third && fourth);
  const shared = `ran on the cluster started for ${first.id} (same nodes; agents, services and leases reset)`;
  const kept = 'services kept from the previous variant with their addresses: announce time excludes IPAM';
  assert.ok(!first.notes.includes(shared));
  for (const v of [second, third, fourth]) assert.ok(v.notes.includes(shared), v.id);
  // Run order v01 (2), v02 (4), v03 (2), v04 (4): the service count changes at every step.
  assert.ok(summary.variants.every((v) => !v.notes.includes(kept)));
  const sameServices = dir.write(
    fakeScenario({ name: 'kept', sweep: { 'announcer.retryPeriodMs': ['0.5s', '1s'] } }),
  );
  const again = (await fakeRun(dir, sameServices)).summary().variants;
  assert.deepEqual(
    again.map((v) => v.notes.includes(kept)),
    [false, true],
  );
});

test('the saturation stop: the first saturated variant ends the sweep and names the ones not run', async () => {
  const file = dir.write(
    fakeScenario({
      name: 'saturate',
      measurement: { warmupSeconds: 1, windowSeconds: 5, repetitions: 1, stopOnSaturation: true },
      sweep: { 'services.announced': [2, 6, 8] },
    }),
  );
  // Every VIP answers after a second per service: 6 s for 6 services, more than one 5 s window.
  const run = await fakeRun(dir, file, { fake: { announceMs: (s) => 1000 * s.services.announced } });
  const summary = run.summary();
  assert.deepEqual(
    summary.variants.map((v) => v.params['services.announced']),
    [2, 6],
  );
  const last = summary.variants[1];
  assert.ok(
    last?.notes.includes(
      'saturation: VIPs not all announced within one 5s window; stopped the sweep here (not run: v03-announced=8)',
    ),
    last?.notes.join(' | '),
  );
  assert.ok(
    run.lines.includes('  saturation: VIPs not all announced within one 5s window: stopping the sweep'),
  );
  // A sweep stopped at saturation finished: it ran every variant it was going to.
  assert.equal(summary.complete, true);
  assert.notEqual(summary.finishedAt, null);
});

test('lease requests answered 429 saturate too; without stopOnSaturation the sweep goes on', async () => {
  const base = { sweep: { 'services.announced': [2, 4] } };
  const throttled = { leaseCode: () => '429' };
  const stops = dir.write(
    fakeScenario({
      name: 'throttled',
      measurement: { warmupSeconds: 1, windowSeconds: 5, repetitions: 1, stopOnSaturation: true },
      ...base,
    }),
  );
  const stopped = (await fakeRun(dir, stops, { fake: throttled })).summary();
  assert.equal(stopped.variants.length, 1);
  assert.match(stopped.variants[0]?.notes.join(' ') ?? '', /saturation: lease requests answered UPDATE 429/);
  const goesOn = dir.write(fakeScenario({ name: 'throttled-on', ...base }));
  assert.equal((await fakeRun(dir, goesOn, { fake: throttled })).summary().variants.length, 2);
});

test('the ETA: the estimate of the whole run first, less each finished variant', async () => {
  const run = await fakeRun(dir, crossFile);
  const variants = expandVariants(await loadScenario(crossFile));
  const estimate = estimateRun(variants, 1);
  const order = shapeGroups(variants).flat();
  let left = estimate.totalSeconds;
  const expected = order.map((v, i) => {
    const line = `[${i + 1}/4] ${v.id} (${v.label}) — ETA ${formatSeconds(left)}`;
    left -= estimate.variantSeconds.get(v.id) ?? 0;
    return line;
  });
  assert.deepEqual(
    run.lines.filter((l) => l.startsWith('[')),
    expected,
  );
});

test('--parallel 2: shapes run side by side on two clusters, lines prefixed, contention noted', async () => {
  const file = dir.write(
    fakeScenario({ name: 'parallel', sweep: { 'nodes.count': [2, 3, 4], 'services.announced': [2, 4] } }),
  );
  const run = await fakeRun(dir, file, { parallel: 2 });
  assert.equal(run.error, null);
  const summary = run.summary();
  assert.equal(summary.variants.length, 6);
  assert.equal(summary.complete, true);
  assert.equal(summary.environment.parallelClusters, 2);
  // Three shapes, three clusters, never more than two alive at once; each shape on one cluster.
  assert.equal(run.backend.targets.length, 3);
  assert.equal(run.backend.maxLive, 2);
  assert.deepEqual(run.backend.targets.map((t) => t.scenario.nodes.count).sort(), [2, 3, 4]);
  const progress = run.lines.filter((l) => /^c\d \[/.test(l));
  assert.equal(progress.length, 6);
  assert.deepEqual(new Set(progress.map((l) => l.slice(0, 2))), new Set(['c1', 'c2']));
  // The ETA starts at the two-cluster estimate and only goes down, each variant taking half its share.
  const estimate = estimateRun(expandVariants(await loadScenario(file)), 2);
  const etas = progress.map((l) => l.split(' — ETA ')[1]);
  assert.equal(etas[0], formatSeconds(estimate.totalSeconds));
  const seconds = (eta: string | undefined) => {
    const [, m, sec] = /^(?:(\d+)m)?(\d+)s$/.exec(eta ?? '') ?? [];
    return Number(m ?? 0) * 60 + Number(sec);
  };
  for (let i = 1; i < etas.length; i++) assert.ok(seconds(etas[i]) <= seconds(etas[i - 1]), etas.join(', '));
  for (const v of summary.variants)
    assert.ok(
      v.notes.some((n) => n.startsWith('ran while up to 2 clusters ran at once on this host (--parallel)')),
      v.id,
    );
});

test('--parallel above the shapes a run needs is lowered, and said so', async () => {
  const run = await fakeRun(dir, crossFile, { parallel: 4 });
  assert.ok(run.lines.includes('--parallel 4: 2 at once (the run needs 2 clusters)'));
  assert.equal(run.summary().variants.length, 4);
});

test('failover trials run on the target after the windows, round-robin over the services', async () => {
  const file = dir.write(
    fakeScenario({ name: 'trials', faults: { kinds: ['node-crash', 'freeze'], trialsPerKind: 2 } }),
  );
  const run = await fakeRun(dir, file);
  const trials = run.samples().flatMap((l) => (l.type === 'trial' ? [[l.fault, l.service]] : []));
  assert.deepEqual(trials, [
    ['node-crash', 'public-0'],
    ['node-crash', 'public-1'],
    ['freeze', 'public-0'],
    ['freeze', 'public-1'],
  ]);
  assert.equal(run.summary().variants[0]?.failover.length, 2);
});

test('notes: window aliasing, idle windows a backend cannot measure, services without addresses', async () => {
  const file = dir.write(
    fakeScenario({
      name: 'notes',
      // A 2 s renew period does not divide a 5 s window.
      announcer: { leaseDurationMs: '6s', renewDeadlineMs: '4s', retryPeriodMs: '2s' },
      sweep: { 'services.announced': [2, 4] },
    }),
  );
  const run = await fakeRun(dir, file, {
    fake: {
      canSwitchPolicy: false,
      addressError: (s) =>
        s.services.announced === 4 ? 'no LoadBalancer address for public-3 after 64 s' : undefined,
    },
  });
  const aliasing =
    'measurement.windowSeconds (5s) is not a whole multiple of the renew period (2s): leases renewed in phase make write rates alias by up to 40%; use a window of 6s';
  assert.ok(run.lines.includes(`warning: ${aliasing}`));
  const [ok, starved] = run.summary().variants;
  assert.ok(ok && starved);
  assert.ok(ok.notes.includes(aliasing));
  assert.ok(ok.notes.includes('idle windows not measured: the local backend cannot switch the policy'));
  assert.ok(
    starved.notes.includes(
      'not every service got an address: no LoadBalancer address for public-3 after 64 s; no windows or trials after it',
    ),
  );
  const windows = run
    .samples()
    .flatMap((l) => (l.type === 'window' ? [`${l.variantId.slice(0, 3)} ${l.phase}`] : []));
  // No idle windows; the starved variant measured its baseline only.
  assert.deepEqual(windows, ['v01 baseline', 'v01 announce', 'v02 baseline']);
});

test('in-run calibration: after each idle window, a window per rate of k6 load, fitted and written beside the summary', async () => {
  const file = dir.write(
    fakeScenario({
      name: 'calibrated',
      measurement: {
        warmupSeconds: 1,
        windowSeconds: 5,
        repetitions: 2,
        baseline: false,
        calibration: { getPerSecond: [40], putPerSecond: [20, 60], warmupSeconds: 1 },
      },
    }),
  );
  const run = await fakeRun(dir, file);
  assert.equal(run.error, null);
  const windows = run.samples().flatMap((l) => (l.type === 'window' ? [l] : []));
  assert.deepEqual(
    windows.map(
      (w) => `${w.repetition} ${w.phase}${w.load ? ` ${w.load.verb} ${w.load.targetPerSecond}` : ''}`,
    ),
    [
      '0 announce',
      '0 idle',
      '0 calibration GET 40',
      '0 calibration PUT 20',
      '0 calibration PUT 60',
      '1 announce',
      '1 idle',
      '1 calibration GET 40',
      '1 calibration PUT 20',
      '1 calibration PUT 60',
    ],
  );
  // The load's rate is what the window measured (the idle agents add nothing in the fake).
  for (const w of windows.filter((x) => x.load)) {
    const verb = w.load?.verb === 'PUT' ? 'PUT' : 'GET';
    const rate = w.leaseRequests.filter((r) => r.verb === verb).reduce((s, r) => s + r.perSecond, 0);
    assert.equal(rate, w.load?.targetPerSecond);
  }
  const v = run.summary().variants[0]!;
  assert.equal(v.calibration?.loadWindows, 6);
  assert.equal(v.calibration?.idleWindows, 2);
  assert.ok(run.dir && existsSync(join(run.dir, 'calibration-v01-base.json')));
});
