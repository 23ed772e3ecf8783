import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnnouncerEvent } from '../deployment/announcer-events.js';
import type { ProbeResult } from '../measure/k6-probe.js';
import { analyzeTrial, dualAnsweringMs, podAnsweredFigures } from './failover-analysis.js';

const VIP = '198.18.8.3';
const FAULT = 10_000;

/** Probes every `stepMs` from `fromMs` to `toMs` (inclusive); `who` names the answering node or null for a failure. */
function probes(
  fromMs: number,
  toMs: number,
  stepMs: number,
  who: (tMs: number, i: number) => string | null,
) {
  const out: ProbeResult[] = [];
  for (let t = fromMs, i = 0; t <= toMs; t += stepMs, i++) {
    const node = who(t, i);
    out.push({ tMs: t, vip: VIP, ok: node !== null, node });
  }
  return out;
}

const ev = (tMs: number, node: string, event: string, vip?: string): AnnouncerEvent => ({
  tMs,
  node,
  event,
  lease: 'cilium-l2announce-default-echo-0',
  ...(vip ? { vip } : {}),
});

test('a clean crash takeover: outage, takeover from the Lease, ARP convergence, no dual answering', () => {
  // n1 answers up to and including the fault instant, nothing answers for 2 s, then n2.
  const p = probes(8_000, 16_000, 50, (t) => (t <= FAULT ? 'n1' : t < 12_000 ? null : 'n2'));
  const events = [
    ev(10_900, 'n2', 'acquire', '198.18.8.9'), // another service's lease: ignored
    ev(11_500, 'n2', 'acquire', VIP),
    ev(11_600, 'n2', 'bind', VIP),
    ev(11_610, 'n2', 'garp', VIP),
  ];
  const r = analyzeTrial({
    probes: p,
    faultAtMs: FAULT,
    fromNode: 'n1',
    events,
    newHolderAcquireTimeMs: 11_490,
  });
  assert.deepEqual(r, {
    fromNode: 'n1',
    toNode: 'n2',
    faultAtMs: FAULT,
    lastGoodBeforeMs: 10_000,
    firstGoodAfterMs: 12_000,
    outageMs: 2_000,
    takeoverMs: 1_490,
    arpConvergenceMs: 400,
    dualAnsweringMs: 0,
    probesSent: 161,
    probesFailed: 39, // 10_050 … 11_950
  });
  // Without the Lease, the agent's acquire event of this VIP times the takeover.
  const fromLog = analyzeTrial({ probes: p, faultAtMs: FAULT, fromNode: 'n1', events });
  assert.equal(fromLog.takeoverMs, 1_500);
});

test('a VIP that never comes back: no toNode, outage or ARP figure, but the takeover is still timed', () => {
  const p = probes(8_000, 20_000, 100, (t) => (t <= 9_950 ? 'n1' : null));
  const r = analyzeTrial({
    probes: p,
    faultAtMs: FAULT,
    fromNode: 'n1',
    events: [ev(11_000, 'n3', 'acquire', VIP)], // n3 won the Lease but never bound or answered
  });
  assert.equal(r.lastGoodBeforeMs, 9_900);
  assert.equal(r.toNode, null);
  assert.equal(r.firstGoodAfterMs, null);
  assert.equal(r.outageMs, null);
  assert.equal(r.arpConvergenceMs, null);
  assert.equal(r.takeoverMs, 1_000);
  assert.equal(r.probesSent, 121);
  assert.equal(r.probesFailed, 121 - 20);
  assert.equal(r.dualAnsweringMs, 0);
});

test('flapping after a freeze: dual answering runs from the new node’s first answer to the old one’s last', () => {
  // Frozen n1 keeps answering until n2 takes over at 15 s; when the freeze ends (20 s) both
  // nodes hold the address and the client's ARP flips between them until n1 unbinds (22 s).
  const p = probes(8_000, 25_000, 100, (t, i) =>
    t <= 15_000 ? 'n1' : t < 20_000 || t >= 22_000 ? 'n2' : i % 2 === 0 ? 'n1' : 'n2',
  );
  const lastN1 = Math.max(...p.filter((x) => x.node === 'n1').map((x) => x.tMs));
  assert.equal(lastN1, 21_800);
  const r = analyzeTrial({
    probes: p,
    faultAtMs: FAULT,
    fromNode: 'n1',
    events: [ev(14_900, 'n2', 'acquire', VIP), ev(15_150, 'n2', 'bind', VIP)],
    newHolderAcquireTimeMs: 14_880,
  });
  assert.equal(r.toNode, 'n2');
  assert.equal(r.lastGoodBeforeMs, 10_000);
  assert.equal(r.firstGoodAfterMs, 15_100);
  assert.equal(r.outageMs, 5_100);
  assert.equal(r.takeoverMs, 4_880);
  // The first good probe was sent 50 ms before n2 logged its bind: clamped, not negative.
  assert.equal(r.arpConvergenceMs, 0);
  assert.equal(r.dualAnsweringMs, 21_800 - 15_100);
  assert.equal(r.probesFailed, 0);
});

test('no probes at all: every probe figure is empty, the takeover still comes from the events', () => {
  const r = analyzeTrial({
    probes: [],
    faultAtMs: FAULT,
    fromNode: 'n1',
    events: [
      ev(9_000, 'n2', 'acquire', VIP),
      ev(12_000, 'n2', 'acquire', VIP),
      ev(12_100, 'n2', 'bind', VIP),
    ],
  });
  assert.deepEqual(r, {
    fromNode: 'n1',
    toNode: null,
    faultAtMs: FAULT,
    lastGoodBeforeMs: null,
    firstGoodAfterMs: null,
    outageMs: null,
    takeoverMs: 2_000, // the acquire before the fault is not a takeover
    arpConvergenceMs: null,
    dualAnsweringMs: 0,
    probesSent: 0,
    probesFailed: 0,
  });
});

test('an acquireTime before the fault is not trusted; failed or anonymous answers name no node', () => {
  const p: ProbeResult[] = [
    { tMs: 9_000, vip: VIP, ok: true, node: 'n1' },
    { tMs: 10_500, vip: VIP, ok: true, node: null }, // 200 without a node name: not attributable
    { tMs: 11_000, vip: VIP, ok: false, node: null },
    { tMs: 11_500, vip: VIP, ok: true, node: 'n2' },
  ];
  const r = analyzeTrial({
    probes: [...p].reverse(),
    faultAtMs: FAULT,
    fromNode: 'n1',
    events: [ev(11_200, 'n2', 'acquire')],
    newHolderAcquireTimeMs: 9_500,
  });
  assert.equal(r.firstGoodAfterMs, 11_500);
  assert.equal(r.outageMs, 2_500);
  assert.equal(r.takeoverMs, 1_200);
  assert.equal(r.probesFailed, 1);
});

test('dual answering is the union of pairwise overlaps, each instant counted once', () => {
  const at = (tMs: number, node: string): ProbeResult => ({ tMs, vip: VIP, ok: true, node });
  // Spans: a [0, 100], b [50, 150], c [60, 70] → overlaps [50,100], [60,70], [60,70] → union 50.
  assert.equal(
    dualAnsweringMs([at(0, 'a'), at(50, 'b'), at(60, 'c'), at(70, 'c'), at(100, 'a'), at(150, 'b')]),
    50,
  );
  assert.equal(dualAnsweringMs([at(0, 'a'), at(10, 'a'), at(20, 'b'), at(30, 'b')]), 0);
});

test('probes answered by an echo pod behind kube-proxy (kind): the outage is the silence, the new announcer the Lease holder', () => {
  // Echo pods on w1 and w3; the announcer on w2 crashes at FAULT. One probe sent 16 ms after the
  // fault still got through (the node was not gone yet) and named w3; then nothing until the
  // takeover 16.5 s later, when answers come from w1 and w3 again.
  const pods = (i: number) => (i % 2 === 0 ? 'w1' : 'w3');
  const seen = [
    ...probes(FAULT - 2000, FAULT, 50, (_, i) => pods(i)),
    { tMs: FAULT + 16, vip: VIP, ok: true, node: 'w3' },
    ...probes(FAULT + 66, FAULT + 16_500, 50, () => null),
    ...probes(FAULT + 16_550, FAULT + 21_500, 50, (_, i) => pods(i)),
  ];
  const byNode = analyzeTrial({ probes: seen, faultAtMs: FAULT, fromNode: 'w2', events: [] });
  assert.equal(byNode.outageMs, null, 'w2 never answered a probe: the node-based figure has no start');
  const byPod = podAnsweredFigures({ faultAtMs: FAULT, fromNode: 'w2' }, seen, 'w1');
  assert.equal(byPod.outageMs, 16_550 - 16);
  assert.equal(byPod.toNode, 'w1');
  assert.equal(byPod.arpConvergenceMs, null);
  assert.equal(byPod.dualAnsweringSource, 'none');
  // The Lease still names the crashed node (restored before the read): no new announcer.
  assert.equal(podAnsweredFigures({ faultAtMs: FAULT, fromNode: 'w2' }, seen, 'w2').toNode, null);
  // No silence longer than a second: no outage.
  const steady = probes(FAULT - 2000, FAULT + 5000, 50, (_, i) => pods(i));
  assert.equal(podAnsweredFigures({ faultAtMs: FAULT, fromNode: 'w2' }, steady, 'w1').outageMs, 0);
});
