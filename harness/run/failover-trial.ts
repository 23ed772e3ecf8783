import { join } from 'node:path';
import type { BenchTarget, DeployedService } from '../backends/bench-target.js';
import { findAnnouncingNode, waitForNodeLease } from '../deployment/announcing-node.js';
import type { WireObservations } from '../measure/arp-lines.js';
import { MAX_WATCHED_VIPS } from '../measure/arp-watch.js';
import { readProbeResults } from '../measure/k6-probe.js';
import type { FaultKind, TrialRecord } from '../results/results-schema.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { scenarioTakeoverBoundMs } from '../scenario/takeover-bound.js';
import { sleep } from '../shutdown-signal.js';
import { analyzeTrial, podAnsweredFigures } from './failover-analysis.js';
import { analyzeApiOutage, longestSilenceMs } from './silence-analysis.js';
import { wireDualAnswering } from './wire-dual-answering.js';

/** Seconds of good probes recorded before the fault, so "last good before" is seen. */
const PRE_FAULT_SECONDS = 2;
/** Seconds of probes kept after a crashed node's VIP answers again elsewhere. */
const AFTER_RECOVERY_SECONDS = 5;

export interface TrialSpec {
  target: BenchTarget;
  variantId: string;
  fault: FaultKind;
  trial: number;
  service: DeployedService;
  signal?: AbortSignal;
  onPhase?: (label: string, startMs: number, endMs: number) => void;
}

/** How long one trial's probes run: long enough to see the takeover (bounded by the scenario). */
export function probeSeconds(s: ResolvedScenario, fault: FaultKind): number {
  const a = s.announcer;
  const takeover = scenarioTakeoverBoundMs(s, 'node-crash') / 1000;
  const held =
    fault === 'freeze'
      ? s.faults.freezeSeconds
      : fault === 'partition'
        ? s.faults.partitionSeconds
        : fault === 'control-plane-outage'
          ? s.faults.controlPlaneOutageSeconds
          : 0;
  // After a freeze or partition ends, keep probing a while to catch two nodes answering; after an
  // API server outage, long enough for a candidate to acquire an expired Lease (2.2 retry periods,
  // client-go's jittered retry) and bind, with the same 5 s margin.
  const after =
    fault === 'control-plane-outage'
      ? Math.ceil((2.2 * a.retryPeriodMs) / 1000) + 5
      : fault === 'freeze' || fault === 'partition' || fault === 'agent-crash'
        ? 5
        : 3;
  return Math.min(
    s.probes.maxDurationSeconds,
    Math.ceil(PRE_FAULT_SECONDS + Math.max(takeover, held) + after),
  );
}

/**
 * One failover trial: probe the service's VIP from the client side with k6, inject the fault into
 * the node announcing it (the holder of its Lease or its bucket's; for node-lease the rendezvous
 * choice among live node Leases; what each fault means is the backend's, see its target), restore
 * the node, and analyse what the probes saw.
 */
export async function runFailoverTrial(t: TrialSpec): Promise<TrialRecord | null> {
  const { target: d, service } = t;
  if (!service.vip) return null;
  const kc = d.kubeConfig();
  const s = d.scenario;
  const strategy = s.announcer.strategy;
  // Who announces: a Lease's holder, or (MetalLB, no Lease) what the target's announcer logs say.
  const announcing = async () =>
    d.announcingNode
      ? { node: d.announcingNode(service), acquireTimeMs: null }
      : await findAnnouncingNode(kc, strategy, service);
  const node = (await announcing()).node;
  if (!node || !d.nodeNames.includes(node)) return null;
  const seconds = probeSeconds(s, t.fault);
  const outFile = join(d.workDir, `probe-${t.variantId}-${t.fault}-${t.trial}.json`);
  // An API server outage touches every VIP: probe (and watch) them all, the trial's first.
  const others = d.services.flatMap((x) => (x.vip && x.vip !== service.vip ? [x.vip] : []));
  const vips = [...new Set([service.vip, ...(t.fault === 'control-plane-outage' ? others : [])])].slice(
    0,
    MAX_WATCHED_VIPS,
  );
  // Watch the wire from before the probes start until after they end.
  const wire = await d.startWireWatch?.(vips, seconds + 5);
  let observed: WireObservations | null = null;
  const probes = await d
    .startProbes({
      vips,
      port: s.services.echo.port,
      ratePerSecond: s.probes.ratePerSecond,
      durationSeconds: seconds,
      timeoutMs: s.probes.timeoutMs,
      outFile,
    })
    .catch(async (err: unknown) => {
      await wire?.stop().catch(() => undefined);
      throw err;
    });
  try {
    await sleep(PRE_FAULT_SECONDS * 1000, t.signal);
    const faultAtMs = Date.now();
    await d.injectFault(t.fault, node, t.signal);
    const liftedAtMs = Date.now();
    if (t.fault === 'node-crash') {
      // A crashed node lost its VIPs, so the first answer comes from the new node: probe on a little
      // (to see a second node answer, if one does) and stop early instead of waiting out the bound.
      const left = faultAtMs + (seconds - PRE_FAULT_SECONDS) * 1000 - Date.now();
      const back = await d.waitUntilAllAnswer([service.vip], Math.max(0, left), t.signal);
      if (back !== null) {
        await sleep(AFTER_RECOVERY_SECONDS * 1000, t.signal);
        await probes.stop();
      }
    }
    await probes.done;
    observed = (await wire?.stop()) ?? null;
    t.onPhase?.(`${t.fault} #${t.trial + 1}`, faultAtMs, Date.now());
    await restore(t, node);
    // After restore: the faulted node may be back, so node-lease's choice says nothing of the takeover.
    const after = await announcing();
    const events = d.events.since(faultAtMs - PRE_FAULT_SECONDS * 1000);
    const all = readProbeResults(outFile);
    const own = all.filter((p) => p.vip === service.vip);
    const a = analyzeTrial({
      probes: own,
      faultAtMs,
      fromNode: node,
      events: events.filter((e) => !e.vip || e.vip === service.vip),
      newHolderAcquireTimeMs: after.node && after.node !== node ? after.acquireTimeMs : null,
    });
    // The node (or its kernel) may go on serving after these faults, so "until another node
    // answered" is no outage: take the VIP's longest silence instead.
    if (t.fault === 'agent-crash' || t.fault === 'control-plane-outage')
      a.outageMs = longestSilenceMs(own, faultAtMs);
    // Where the figures come from, later ones overriding: the probes, else pods (kind, cluster),
    // else the wire when it was watched.
    const byPod = d.probesNameAnnouncer === false ? podAnsweredFigures(a, own, after.node) : {};
    const onWire = observed ? wireFigures(observed, vips) : {};
    return {
      type: 'trial',
      variantId: t.variantId,
      fault: t.fault,
      trial: t.trial,
      service: service.name,
      vip: service.vip,
      ...a,
      dualAnsweringSource: 'probes',
      ...byPod,
      ...onWire,
      ...(observed && LIFTED_FAULTS.has(t.fault)
        ? { dualAnsweringAfterLiftMs: afterLiftMs(onWire.dualAnswering?.intervals ?? [], liftedAtMs) }
        : {}),
      ...(t.fault === 'control-plane-outage'
        ? { apiOutage: analyzeApiOutage({ probes: all, vips, faultAtMs, restoredAtMs: liftedAtMs }) }
        : {}),
    };
  } finally {
    await probes.stop();
    if (!observed) await wire?.stop().catch(() => undefined);
  }
}

/** Faults that hold a node for a while and then lift (the backend's injectFault returns at the lift). */
const LIFTED_FAULTS: ReadonlySet<FaultKind> = new Set(['freeze', 'partition', 'control-plane-outage']);

/** How long two nodes still answered for any watched VIP after the lift (0: none after it). */
function afterLiftMs(intervals: readonly { toMs: number }[], liftedAtMs: number): number {
  return Math.max(0, ...intervals.map((i) => i.toMs - liftedAtMs));
}

/** The wire's dual-answering figures over the watched VIPs: every interval, and their total. */
function wireFigures(
  o: WireObservations,
  vips: readonly string[],
): Partial<Pick<TrialRecord, 'dualAnsweringMs' | 'dualAnsweringSource' | 'dualAnswering'>> {
  const per = vips.map((vip) => ({ vip, ...wireDualAnswering(o, vip) }));
  const first = per[0];
  if (!first) return { dualAnsweringSource: 'probes' };
  const bound = per.map((p) => p.record.boundOnTwoMs);
  return {
    dualAnsweringMs: per.reduce((sum, p) => sum + p.totalMs, 0),
    dualAnsweringSource: 'wire',
    dualAnswering: {
      ...first.record,
      intervals: per.flatMap((p) => p.record.intervals.map((i) => ({ ...i, vip: p.vip }))),
      nodes: [...new Set(per.flatMap((p) => p.record.nodes))].sort(),
      boundOnTwoMs: bound.some((b) => b !== null) ? bound.reduce<number>((x, b) => x + (b ?? 0), 0) : null,
      arpRepliesSeen: per.reduce((sum, p) => sum + p.record.arpRepliesSeen, 0),
    },
  };
}

/** Brings the faulted node back, lets the cluster settle and waits until every VIP answers again. */
async function restore(t: TrialSpec, node: string): Promise<void> {
  const d = t.target;
  const restoredAtMs = Date.now();
  await d.restoreNode(t.fault, node, t.signal);
  await sleep(d.scenario.faults.settleSeconds * 1000, t.signal);
  const a = d.scenario.announcer;
  if (
    a.strategy.kind === 'node-lease' &&
    (await waitForNodeLease(d.kubeConfig(), node, restoredAtMs, 120_000, t.signal))
  ) {
    // Under node-lease the restarted node takes its rendezvous services back, one retry period after
    // its lease is seen (announcer/election/node-lease-placement.ts): let that happen before the next
    // trial picks its victim from the live node Leases.
    await sleep(a.retryPeriodMs + 3000, t.signal);
  }
  const vips = d.services.flatMap((s) => (s.vip ? [s.vip] : []));
  // A restarted agent re-elects every service it can carry; on a loaded host that takes a while.
  await d.waitUntilAllAnswer(vips, 60_000 + 250 * vips.length, t.signal);
}
