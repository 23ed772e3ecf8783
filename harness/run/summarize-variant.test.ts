import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { leaseModelInputFor, leaseRequestModel } from '../measure/analytic-model.js';
import { Summary, type TrialRecord, VariantSummary, type WindowRecord } from '../results/results-schema.js';
import { parseScenario } from '../scenario/scenario-file.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { summarizeRun, summarizeVariant, type VariantMeta } from './summarize-variant.js';

function scenario(extra: Record<string, unknown> = {}): Scenario {
  const doc = {
    name: 'seed',
    nodes: { count: 3, unselected: { count: 1 } },
    services: { announced: 5 },
    faults: { kinds: ['crash', 'graceful'], trialsPerKind: 2 },
    ...extra,
  };
  return parseScenario(stringify(doc), 'test');
}

function meta(s: Scenario, id = 'v01-base'): VariantMeta {
  return { id, label: 'base', params: {}, scenario: s, announceTimeMs: 1200 };
}

function window(
  repetition: number,
  phase: 'baseline' | 'announce',
  controlPlane: number,
  leaseRequests: WindowRecord['leaseRequests'],
  variantId = 'v01-base',
): WindowRecord {
  return {
    type: 'window',
    variantId,
    repetition,
    phase,
    startMs: repetition * 1000,
    endMs: repetition * 1000 + 60_000,
    cpuMillicores: {
      apiserver: controlPlane * 0.75,
      etcd: controlPlane * 0.25,
      controlPlane,
      announcers: phase === 'announce' ? 30 : 0,
      harness: 5,
    },
    leaseRequests,
    etcd: {
      writesPerSecond: phase === 'announce' ? 3.1 : 0.2,
      fsyncsPerSecond: null,
      dbSizeGrowthBytes: null,
    },
    announcerRssBytes: null,
  };
}

const baselineRequests = [
  { verb: 'GET', code: '200', perSecond: 0.1 },
  { verb: 'PUT', code: '200', perSecond: 0.1 },
];
const announceRequests = [
  { verb: 'GET', code: '200', perSecond: 6.85 },
  { verb: 'PUT', code: '200', perSecond: 3.0 },
  { verb: 'PUT', code: '409', perSecond: 0.1 },
  { verb: 'WATCH', code: '200', perSecond: 0.05 },
];

/** The seed's figures: ~80 millicores over a ~100 millicore baseline on a 4-core node. */
function seedWindows(): WindowRecord[] {
  return [
    window(0, 'baseline', 100, baselineRequests),
    window(0, 'announce', 180, announceRequests),
    window(1, 'baseline', 110, baselineRequests),
    window(1, 'announce', 195, announceRequests),
    window(2, 'baseline', 90, baselineRequests),
    window(2, 'announce', 168, announceRequests),
    window(0, 'announce', 9999, announceRequests, 'v02-other'),
  ];
}

function trial(
  fault: TrialRecord['fault'],
  n: number,
  outageMs: number | null,
  dualAnsweringMs = 0,
): TrialRecord {
  return {
    type: 'trial',
    variantId: 'v01-base',
    fault,
    trial: n,
    service: 'public-0',
    vip: '198.18.8.0',
    fromNode: 'n0',
    toNode: outageMs === null ? null : 'n1',
    faultAtMs: 10_000,
    lastGoodBeforeMs: 9_990,
    firstGoodAfterMs: outageMs === null ? null : 9_990 + outageMs,
    outageMs,
    takeoverMs: outageMs === null ? null : outageMs - 200,
    arpConvergenceMs: outageMs === null ? null : 50,
    dualAnsweringMs,
    probesSent: 100,
    probesFailed: 10,
  };
}

test('CPU overhead is announce − baseline per repetition, and % of a K-core node', () => {
  const s = scenario();
  const summary = summarizeVariant(meta(s), seedWindows(), [], null, 4);
  assert.doesNotThrow(() => VariantSummary.parse(summary));
  const { cpu } = summary;
  // Differences 80, 85, 78: median 80.
  assert.equal(cpu.controlPlaneOverheadMillicores.median, 80);
  assert.equal(cpu.controlPlaneOverheadMillicores.n, 3);
  assert.ok(cpu.controlPlaneOverheadMillicores.lo >= 78 && cpu.controlPlaneOverheadMillicores.hi <= 85);
  assert.equal(cpu.controlPlaneOverheadPctOfNode.median, 2, '80 millicores of 4 cores is 2%');
  assert.equal(cpu.apiserverOverheadMillicores.median, 60);
  assert.equal(cpu.etcdOverheadMillicores.median, 20);
  assert.equal(cpu.baselineMillicores.median, 100);
  assert.equal(cpu.announceMillicores.median, 180);
  assert.equal(cpu.announcersMillicores.median, 30);
  assert.equal(summary.nodes, 4);
  assert.equal(summary.selectedNodes, 3);
  assert.equal(summary.strategy, 'per-service');
  assert.equal(summary.announceTimeMs, 1200);
  assert.equal(
    summarizeVariant(meta(s), seedWindows(), [], null, 8).cpu.controlPlaneOverheadPctOfNode.median,
    1,
  );
});

test('request rates: summed over codes, baseline subtracted, compared with the model', () => {
  const s = scenario();
  const model = leaseRequestModel(leaseModelInputFor(s));
  const { requests, notes } = summarizeVariant(meta(s), seedWindows(), [], model, 4);
  assert.deepEqual(
    requests.map((r) => r.verb),
    ['GET', 'PUT', 'WATCH'],
  );
  const [get, put, watch] = requests;
  assert.ok(Math.abs(get!.measuredPerSecond.median - 6.75) < 1e-9);
  assert.equal(get!.modelPerSecond, 6.75);
  assert.ok(Math.abs(get!.relativeError!) < 1e-9);
  assert.ok(Math.abs(put!.measuredPerSecond.median - 3.0) < 1e-9, 'PUT 200 + 409 − baseline');
  assert.equal(put!.modelPerSecond, 3);
  // per-service opens no lease watches: the model says 0, so no relative error of a measured rate.
  assert.equal(watch!.modelPerSecond, 0);
  assert.equal(watch!.relativeError, null);
  assert.ok(!notes.some((n) => n.includes('model')));
});

test('the total over every verb is compared with the model total', () => {
  const s = scenario();
  const model = leaseRequestModel(leaseModelInputFor(s));
  const { requests, requestsTotal } = summarizeVariant(meta(s), seedWindows(), [], model, 4);
  const sum = requests.reduce((a, r) => a + r.measuredPerSecond.median, 0);
  assert.ok(Math.abs(requestsTotal!.measuredPerSecond.median - sum) < 1e-9);
  assert.equal(
    requestsTotal!.modelPerSecond,
    model.getPerSecond + model.updatePerSecond + model.listPerSecond,
  );
  assert.ok(requestsTotal!.relativeError !== null);
});

test('baseline disabled: no overhead, raw rates, and a note saying so', () => {
  const s = scenario({ measurement: { baseline: false } });
  const windows = seedWindows().filter((w) => w.phase === 'announce');
  const summary = summarizeVariant(meta(s), windows, [], null, 4);
  assert.equal(summary.cpu.controlPlaneOverheadMillicores.n, 0);
  assert.equal(summary.cpu.announceMillicores.median, 180);
  assert.ok(
    summary.notes.includes(
      'baseline disabled: overhead not measured; request rates include non-announcer lease traffic',
    ),
  );
  assert.ok(summary.notes.includes('no analytic model for this variant: request rates not compared'));
  assert.ok(Math.abs(summary.requests[0]!.measuredPerSecond.median - 6.85) < 1e-9);
  // With idle windows (the same agents, no service selected) the rates are net of them.
  const idle = windows.map((w) => ({ ...w, phase: 'idle' as const, leaseRequests: [] }));
  const vsIdle = summarizeVariant(meta(s), [...windows, ...idle], [], null, 4);
  assert.ok(vsIdle.notes.some((n) => n.includes('request rates are announce − idle')));
  assert.ok(Math.abs(vsIdle.requests[0]!.measuredPerSecond.median - 6.85) < 1e-9);
  const busyIdle = windows.map((w) => ({ ...w, phase: 'idle' as const }));
  assert.equal(
    summarizeVariant(meta(s), [...windows, ...busyIdle], [], null, 4).requests[0]?.measuredPerSecond.median,
    0,
  );
});

test('missing windows are notes, not crashes', () => {
  const s = scenario();
  const windows = seedWindows().filter((w) => !(w.repetition === 2 && w.phase === 'baseline'));
  const summary = summarizeVariant(meta(s), windows, [], null, 4);
  assert.equal(summary.cpu.controlPlaneOverheadMillicores.n, 2);
  assert.ok(summary.notes.includes('repetition 2 has no baseline window: left out of the overhead'));
  const empty = summarizeVariant(meta(s), [], [], null, 4);
  assert.doesNotThrow(() => VariantSummary.parse(empty));
  assert.equal(empty.requests.length, 0);
  assert.ok(empty.notes.includes('no announce windows recorded: CPU and request rates not measured'));
  assert.equal(empty.etcd.writesPerSecond, null);
});

test('failover: percentiles per fault kind, failed and dual-answering trials counted and noted', () => {
  const s = scenario();
  const trials = [
    trial('node-crash', 0, 17_000),
    trial('node-crash', 1, null),
    trial('graceful', 0, 900, 120),
  ];
  const summary = summarizeVariant(meta(s), seedWindows(), trials, null, 4);
  const [crash, graceful] = summary.failover;
  assert.equal(crash?.fault, 'node-crash');
  assert.equal(crash?.outageMs.n, 1);
  assert.equal(crash?.outageMs.p50, 17_000);
  assert.equal(crash?.takeoverMs.p50, 16_800);
  assert.equal(crash?.failedTrials, 1);
  assert.equal(graceful?.dualAnsweringTrials, 1);
  assert.ok(
    summary.notes.includes('node-crash: 1 of 2 trials never recovered (no good probe after the fault)'),
  );
  assert.ok(summary.notes.includes('graceful: 1 of 2 trials recorded'));
  assert.ok(
    summary.notes.includes('graceful: 1 of 1 trials had two nodes answering by the probes (longest 120 ms)'),
  );
  assert.deepEqual(graceful?.dualAnsweringMs?.values, [120]);
  assert.equal(graceful?.dualAnsweringWireTrials, 0);
});

test('dual answering after the lift: per fault from the wire trials that carry it, absent elsewhere', () => {
  const s = scenario();
  const wire = (n: number, total: number, afterLift: number): TrialRecord => ({
    ...trial('freeze', n, 7_000, total),
    dualAnsweringSource: 'wire',
    dualAnsweringAfterLiftMs: afterLift,
  });
  const summary = summarizeVariant(
    meta(s),
    seedWindows(),
    [wire(0, 4_400, 83), wire(1, 7_100, 3_130)],
    null,
    4,
  );
  const freeze = summary.failover.find((f) => f.fault === 'freeze');
  assert.deepEqual(freeze?.dualAnsweringAfterLiftMs?.values, [83, 3_130]);
  assert.equal(freeze?.dualAnsweringAfterLiftMs?.max, 3_130);
  const crash = summarizeVariant(meta(s), seedWindows(), [trial('node-crash', 0, 9_000)], null, 4)
    .failover[0];
  assert.equal(crash?.dualAnsweringAfterLiftMs, undefined, 'a crash has no lift');
});

test('trials whose probes cannot see two announcers (kind) are left out of dual answering, and a note says why', () => {
  const s = scenario();
  const unseen: TrialRecord = { ...trial('node-crash', 0, 16_500), dualAnsweringSource: 'none' };
  const summary = summarizeVariant(
    meta(s),
    seedWindows(),
    [unseen, trial('node-crash', 1, 300, 90)],
    null,
    4,
  );
  const crash = summary.failover[0];
  assert.deepEqual(crash?.dualAnsweringMs?.values, [90]);
  assert.equal(crash?.dualAnsweringTrials, 1);
  assert.deepEqual(crash?.outageMs.values, [16_500, 300]);
  assert.ok(
    summary.notes.some((n) => n.startsWith('node-crash: two nodes answering not observed in 1 of 2 trials')),
  );
  assert.ok(
    summary.notes.includes('node-crash: 1 of 1 trials had two nodes answering by the probes (longest 90 ms)'),
  );
});

test('summarizeRun assembles a valid summary and tells complete from partial', () => {
  const s = scenario();
  const variant = summarizeVariant(meta(s), seedWindows(), [], null, 4);
  const environment = {
    hostname: 'h',
    cpuModel: 'cpu',
    cores: 8,
    memoryBytes: 1,
    kernel: 'k',
    node: 'v20',
    l2benchVersion: '0.1.0',
    backend: 'local',
    tools: [],
  };
  const run = {
    runId: 'r1',
    scenario: s,
    startedAt: '2026-01-01T00:00:00Z',
    environment,
    expectedVariants: 2,
  };
  const partial = summarizeRun({ ...run, finishedAt: null }, [variant]);
  assert.doesNotThrow(() => Summary.parse(partial));
  assert.equal(partial.complete, false);
  assert.equal(partial.coresK, 4);
  assert.equal(partial.scenario, 'seed');
  assert.equal(
    summarizeRun({ ...run, finishedAt: '2026-01-01T01:00:00Z' }, [variant, variant]).complete,
    true,
  );
  assert.equal(summarizeRun({ ...run, finishedAt: '2026-01-01T01:00:00Z' }, [variant]).complete, false);
});

test('agent footprint pools every agent of every announce window: RSS and CPU median and max', () => {
  const s = scenario();
  const mib = 2 ** 20;
  const withAgents = (w: WindowRecord, rssMib: number[]): WindowRecord => ({
    ...w,
    agents: rssMib.map((r, i) => ({ node: `n${i}`, cpuMillicores: 10 + i, rssBytes: r * mib })),
  });
  const windows = [
    withAgents(window(0, 'baseline', 100, baselineRequests), [500, 500, 500]),
    withAgents(window(0, 'announce', 180, announceRequests), [50, 52, 70]),
    withAgents(window(1, 'announce', 190, announceRequests), [51, 53, 55]),
  ];
  const fp = summarizeVariant(meta(s), windows, [], null, 4).agentFootprint;
  assert.ok(fp);
  assert.equal(fp.agents, 3);
  assert.equal(fp.rssBytes.n, 6);
  assert.equal(fp.rssBytes.median, 52.5 * mib, 'baseline windows are left out');
  assert.equal(fp.rssBytes.max, 70 * mib);
  assert.equal(fp.cpuMillicores.max, 12);
  assert.equal(summarizeVariant(meta(s), seedWindows(), [], null, 4).agentFootprint, undefined);
});
