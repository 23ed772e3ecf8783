import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScenarioError } from '../errors.js';
import { expandVariants } from './expand-variants.js';
import { parseScenario, quickScenario, sweepablePaths } from './scenario-file.js';
import { resolveScenario } from './scenario-schema.js';
import { messageOf, parseWith, SOURCE } from './testing/patch-scenario.js';

test('a minimal scenario gets the Cilium defaults', () => {
  const s = parseWith({});
  assert.equal(s.backend, 'local');
  assert.equal(s.coresK, 4);
  assert.deepEqual(s.nodes.labels, { 'homelab/role': 'worker' });
  assert.equal(s.nodes.unselected.count, 0);
  assert.deepEqual(s.services.labels, { 'homelab/public-service': 'true' });
  assert.deepEqual(s.services.echo, { port: 80, targetPort: 8080 });
  assert.deepEqual(s.announcer.strategy, { kind: 'per-service' });
  assert.equal(s.announcer.leaseDurationMs, 15_000);
  assert.equal(s.announcer.renewDeadlineMs, 5_000);
  assert.equal(s.announcer.retryPeriodMs, 2_000);
  assert.equal(s.announcer.renewMode, 'get-then-update');
  assert.equal(s.announcer.selection, 'policy');
  assert.deepEqual(s.measurement, {
    warmupSeconds: 20,
    windowSeconds: 60,
    repetitions: 3,
    baseline: true,
    idle: true,
    sampleHz: 1,
    calibration: { getPerSecond: [], putPerSecond: [], warmupSeconds: 5 },
    stopOnSaturation: false,
  });
  assert.deepEqual(s.faults.kinds, []);
  assert.equal(s.faults.freezeSeconds, undefined);
  assert.deepEqual(s.probes, { ratePerSecond: 20, timeoutMs: 200, maxDurationSeconds: 120 });
  assert.deepEqual(s.sweep, {});
  assert.equal(s.sweepMode, 'cross');
});

test('durations may be strings and are normalized to the unit in the name', () => {
  const s = parseWith({
    announcer: { leaseDurationMs: '4s', renewDeadlineMs: '2s', retryPeriodMs: '0.25s' },
    measurement: { warmupSeconds: '500ms', windowSeconds: '1m' },
    probes: { timeoutMs: '0.1s' },
  });
  assert.equal(s.announcer.leaseDurationMs, 4000);
  assert.equal(s.announcer.renewDeadlineMs, 2000);
  assert.equal(s.announcer.retryPeriodMs, 250);
  assert.equal(s.measurement.warmupSeconds, 0.5);
  assert.equal(s.measurement.windowSeconds, 60);
  assert.equal(s.probes.timeoutMs, 100);
  assert.match(
    messageOf({ announcer: { leaseDurationMs: 'soon' } }),
    /announcer\.leaseDurationMs \("soon"\) is not a duration/,
  );
  assert.match(
    messageOf({ announcer: { retryPeriodMs: '0.5ms' } }),
    /announcer\.retryPeriodMs \(0\.5\) must be a whole number/,
  );
});

test('freeze and partition default to leaseDuration + 5 s once resolved', () => {
  const s = resolveScenario(
    parseWith({ announcer: { leaseDurationMs: '4s', renewDeadlineMs: '2s', retryPeriodMs: 500 } }),
  );
  assert.equal(s.faults.freezeSeconds, 9);
  assert.equal(s.faults.partitionSeconds, 9);
  assert.equal(resolveScenario(parseWith({ faults: { freezeSeconds: 3 } })).faults.freezeSeconds, 3);
});

test('renewDeadline must be shorter than leaseDuration (message names both values and the fix)', () => {
  assert.equal(
    messageOf({ announcer: { renewDeadlineMs: 20_000 } }),
    'scenarios/x.yaml: announcer.renewDeadlineMs (20000) must be shorter than announcer.leaseDurationMs ' +
      '(15000): lower renewDeadlineMs or raise leaseDurationMs',
  );
});

test("renewDeadline must exceed client-go's 1.2 × retryPeriod", () => {
  const message = messageOf({ announcer: { renewDeadlineMs: 2400 } });
  assert.match(
    message,
    /announcer\.renewDeadlineMs \(2400\) must be longer than 1\.2 × announcer\.retryPeriodMs/,
  );
  assert.match(message, /1\.2 × 2000 = 2400/);
  assert.match(
    messageOf({ announcer: { retryPeriodMs: 0 } }),
    /announcer\.retryPeriodMs \(0\) must be at least 1/,
  );
});

test('an unknown field names its path and the known fields', () => {
  assert.equal(
    messageOf({ measurement: { windwSeconds: 60 } }),
    'scenarios/x.yaml: unknown field measurement.windwSeconds: remove it or check spelling ' +
      '(known: warmupSeconds, windowSeconds, repetitions, baseline, idle, sampleHz, calibration, stopOnSaturation)',
  );
  assert.match(messageOf({ nodez: 1 }), /unknown field nodez: .*known: name, description, backend/);
});

test('several problems: every one is shown, one line each', () => {
  const lines = messageOf({ nodes: { count: 0 }, backend: 'nomad', extra: true }).split('\n');
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.ok(lines.every((l) => l.startsWith('scenarios/x.yaml: ')));
  assert.ok(lines.some((l) => /backend \("nomad"\) must be one of local, kind, cluster, docker$/.test(l)));
  assert.ok(lines.some((l) => /nodes\.count \(0\) must be at least 1$/.test(l)));
  assert.ok(lines.some((l) => /unknown field extra/.test(l)));
});

test('value and limit errors carry the value and the limit', () => {
  assert.match(messageOf({ nodes: { count: 0 } }), /nodes\.count \(0\) must be at least 1$/);
  assert.match(messageOf({ nodes: { count: 101 } }), /nodes\.count \(101\) must be at most 100$/);
  assert.match(
    messageOf({ nodes: { count: 60, unselected: { count: 50 } } }),
    /nodes\.count \+ nodes\.unselected\.count \(60 \+ 50 = 110\) must be at most 100/,
  );
  assert.match(
    messageOf({ probes: { ratePerSecond: 500 } }),
    /probes\.ratePerSecond \(500\) must be at most 200$/,
  );
  assert.match(
    messageOf({ probes: { maxDurationSeconds: 900 } }),
    /probes\.maxDurationSeconds \(900\) must be at most 600$/,
  );
  assert.match(messageOf({ services: { announced: undefined } }), /services\.announced is required$/);
  assert.match(messageOf({ nodes: { count: 2.5 } }), /nodes\.count \(2\.5\) must be a whole number$/);
  assert.match(messageOf({ nodes: 3 }), /nodes \(3\) must be a map, not number$/);
  assert.match(
    messageOf({ nodes: { count: 3, labels: { 'Bad Key': 'w' } } }),
    /nodes\.labels key "Bad Key" is not a Kubernetes label key$/,
  );
  assert.match(
    messageOf({ sweep: { 'services.announced': 5 } }),
    /sweep\["services\.announced"\] \(5\) must be a list, not number$/,
  );
  assert.match(
    messageOf({ announcer: { strategy: { kind: 'shared' } } }),
    /announcer\.strategy\.kind \("shared"\) must be one of per-service/,
  );
  assert.match(
    messageOf({ services: { labels: { 'homelab/public-service': true } } }),
    /services\.labels\.homelab\/public-service \(true\) must be a string, not boolean: quote it \("true"\)/,
  );
});

test('selector rules: unselected nodes must not match, unannounced services need a label', () => {
  assert.match(
    messageOf({ nodes: { unselected: { count: 1, labels: { 'homelab/role': 'worker' } } } }),
    /nodes\.unselected\.labels .* match the policy's nodeSelector/,
  );
  assert.match(messageOf({ services: { labels: {}, unannounced: 2 } }), /services\.labels is empty/);
});

test('pool: an IPv4 CIDR or start/stop inside 198.18.0.0/15, big enough for the LoadBalancer services', () => {
  assert.equal(parseWith({ pool: { cidr: '198.18.8.0/29' } }).pool?.cidr, '198.18.8.0/29');
  assert.match(
    messageOf({ pool: { cidr: '198.18.0.0/40' } }),
    /pool\.cidr \("198\.18\.0\.0\/40"\) Invalid IPv4 range/,
  );
  assert.match(
    messageOf({ pool: { cidr: '10.0.0.0/24' } }),
    /pool \(10\.0\.0\.0\/24\) lies outside 198\.18\.0\.0\/15/,
  );
  assert.match(messageOf({ pool: { start: '198.18.8.1' } }), /must set either cidr or both start and stop/);
  assert.match(
    messageOf({ pool: { start: '198.18.8.9', stop: '198.18.8.1' } }),
    /pool\.stop .* must not come before/,
  );
  assert.match(
    messageOf({ pool: { cidr: '198.18.8.0/30' }, services: { unannounced: 1 } }),
    /services\.announced \+ services\.unannounced \(5 \+ 1 = 6\) LoadBalancer services exceed pool 198\.18\.8\.0\/30 \(4 addresses\)/,
  );
  assert.match(
    messageOf({ services: { announced: 1025 } }),
    /exceed the backend's default pool \(1024 addresses\)/,
  );
});

test('sweep keys must be scalar scenario paths with values; zip lists must match', () => {
  const swept = parseWith({
    sweep: { 'services.announced': [1, 5], 'announcer.selection': ['policy', 'all-services'] },
  });
  assert.deepEqual(swept.sweep['services.announced'], [1, 5]);
  assert.match(
    messageOf({ sweep: { 'services.announcd': [1] } }),
    /sweep key services\.announcd is not a scenario field: .*\(fields under services: announced, clusterIP/,
  );
  assert.match(
    messageOf({ sweep: { 'services.announced': [] } }),
    /sweep key services\.announced has no values/,
  );
  assert.match(
    messageOf({ sweep: { nodes: [1] } }),
    /sweep key nodes names a section or list.*\(count, labels, unselected\)/,
  );
  assert.match(
    messageOf({ sweep: { 'faults.kinds': ['crash'] } }),
    /sweep key faults\.kinds names a section or list/,
  );
  assert.match(messageOf({ sweep: { coresK: [4, 8] } }), /sweep key coresK applies to the whole run/);
  assert.match(
    messageOf({ sweepMode: 'zip', sweep: { 'nodes.count': [3, 6], 'services.announced': [1, 5, 10] } }),
    /sweepMode zip needs sweep lists of equal length: nodes\.count has 2, services\.announced has 3/,
  );
  assert.ok(sweepablePaths().includes('announcer.strategy.kind'));
  assert.ok(!sweepablePaths().includes('sweepMode'));
});

test('fault and window rules', () => {
  assert.match(messageOf({ faults: { kinds: ['crash', 'crash'] } }), /faults\.kinds lists node-crash twice/);
  assert.match(
    messageOf({ faults: { kinds: ['teleport'] } }),
    /faults\.kinds\[0\] \("teleport"\) must be one of node-crash, agent-crash, freeze/,
  );
  assert.match(
    messageOf({ faults: { kinds: ['crash'] }, probes: { maxDurationSeconds: 10 } }),
    /probes\.maxDurationSeconds \(10\) must outlast the worst-case takeover of per-service \(23800 ms at these timers\)/,
  );
  assert.match(
    messageOf({ faults: { kinds: ['freeze'], freezeSeconds: 200 } }),
    /faults\.freezeSeconds \(200\) must be shorter than probes\.maxDurationSeconds \(120\)/,
  );
  assert.match(
    messageOf({ measurement: { windowSeconds: 3 } }),
    /measurement\.windowSeconds \(3\) must cover at least 2 × announcer\.retryPeriodMs/,
  );
  assert.match(messageOf({ measurement: { windowSeconds: 5, sampleHz: 0.2 } }), /gives fewer than 2 samples/);
});

test('YAML problems are one-line ScenarioErrors with a position', () => {
  assert.throws(
    () => parseScenario('name: x\nnodes: [\n', SOURCE),
    (err: Error) => {
      assert.ok(err instanceof ScenarioError);
      assert.match(err.message, /^scenarios\/x\.yaml:\d+:\d+: invalid YAML: /);
      assert.ok(!err.message.includes('\n'));
      return true;
    },
  );
  assert.throws(() => parseScenario('name: x\nname: y\n', SOURCE), /invalid YAML/);
  assert.throws(() => parseScenario('', SOURCE), /scenarios\/x\.yaml: a scenario must be a YAML map/);
});

test('strategies: a map or its one-word form, with one-line errors naming the field', () => {
  assert.deepEqual(parseWith({ announcer: { strategy: 'sharded:8' } }).announcer.strategy, {
    kind: 'sharded',
    shards: 8,
  });
  assert.deepEqual(parseWith({ announcer: { strategy: { kind: 'node-lease' } } }).announcer.strategy, {
    kind: 'node-lease',
  });
  assert.deepEqual(parseWith({ announcer: { strategy: 'per-service-watch' } }).announcer.strategy, {
    kind: 'per-service-watch',
  });
  assert.match(
    messageOf({ announcer: { strategy: 'sharded' } }),
    /announcer\.strategy \("sharded"\) is not a strategy: write per-service, per-service-watch, node-lease or sharded:K$/,
  );
  assert.match(
    messageOf({ announcer: { strategy: 'sharded:0' } }),
    /announcer\.strategy\.shards \(0\) must be at least 1$/,
  );
  assert.match(
    messageOf({ announcer: { strategy: { kind: 'sharded' } } }),
    /announcer\.strategy\.shards is required$/,
  );
  assert.match(
    messageOf({ announcer: { strategy: { kind: 'node-lease', shards: 4 } } }),
    /unknown field announcer\.strategy\.shards: remove it or check spelling \(known: kind\)$/,
  );
  assert.match(
    messageOf({ announcer: { strategy: 7 } }),
    /announcer\.strategy \(7\) must be per-service, .* or sharded:K, or a map/,
  );
});

test('a sweep over announcer.strategy takes the one-word forms; a bad one names its variant', () => {
  assert.ok(sweepablePaths().includes('announcer.strategy'));
  assert.ok(sweepablePaths().includes('announcer.strategy.shards'));
  const s = parseWith({ sweep: { 'announcer.strategy': ['per-service', 'sharded:8', 'node-lease'] } });
  const variants = expandVariants(s);
  assert.deepEqual(
    variants.map((v) => [v.id, v.scenario.announcer.strategy]),
    [
      ['v01-strategy=per-service', { kind: 'per-service' }],
      ['v02-strategy=sharded_8', { kind: 'sharded', shards: 8 }],
      ['v03-strategy=node-lease', { kind: 'node-lease' }],
    ],
  );
  const bad = parseWith({ sweep: { 'announcer.strategy': ['per-service', 'sharded:x'] } });
  assert.throws(
    () => expandVariants(bad, SOURCE),
    /variant v02-strategy=sharded_x: announcer\.strategy \("sharded:x"\) is not a strategy/,
  );
});

test('--quick runs quickSweep instead of sweep; quickSweep keys are checked like sweep keys', () => {
  const s = parseWith({
    sweep: { 'services.announced': [5, 50, 200] },
    quickSweep: { 'services.announced': [5] },
  });
  assert.deepEqual(s.sweep, { 'services.announced': [5, 50, 200] });
  assert.deepEqual(quickScenario(s).sweep, { 'services.announced': [5] });
  assert.deepEqual(quickScenario(parseWith({ sweep: { 'services.announced': [1, 2] } })).sweep, {
    'services.announced': [1, 2],
  });
  assert.match(
    messageOf({ quickSweep: { 'nodes.cnt': [1] } }),
    /quickSweep key nodes\.cnt is not a scenario field/,
  );
});

test('per-service-watch needs cilium lease names (its one watch covers the lease namespace)', () => {
  assert.match(
    messageOf({ announcer: { strategy: 'per-service-watch', leaseNameStyle: 'kube-vip' } }),
    /announcer\.leaseNameStyle \(kube-vip\) must be cilium with strategy per-service-watch/,
  );
  assert.equal(
    parseWith({ announcer: { strategy: 'node-lease', leaseNameStyle: 'kube-vip' } }).announcer.strategy.kind,
    'node-lease',
  );
});

test('in-run calibration: rates of both verbs, idle windows, the local backend; each refusal names the field', () => {
  const cal = (c: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    messageOf({ measurement: { calibration: c, ...extra } });
  assert.equal(
    parseWith({ measurement: { calibration: { getPerSecond: [40], putPerSecond: [10, 40] } } }).measurement
      .calibration.putPerSecond.length,
    2,
  );
  assert.match(
    cal({ getPerSecond: [40] }),
    /measurement\.calibration needs rates of both verbs .*putPerSecond \[\]/,
  );
  assert.match(
    cal({ getPerSecond: [40], putPerSecond: [40] }, { idle: false }),
    /measurement\.calibration needs idle windows .*set measurement\.idle true/,
  );
  assert.match(
    messageOf({
      backend: 'docker',
      measurement: { calibration: { getPerSecond: [40], putPerSecond: [40] } },
    }),
    /measurement\.calibration runs on backend local only .* not docker/,
  );
  assert.match(cal({ getPerSecond: [600], putPerSecond: [40] }), /measurement\.calibration\.getPerSecond/);
});
