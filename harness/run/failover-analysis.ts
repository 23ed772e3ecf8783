import type { AnnouncerEvent } from '../deployment/announcer-events.js';
import type { ProbeResult } from '../measure/k6-probe.js';
import type { TrialRecord } from '../results/results-schema.js';
import { longestSilenceMs } from './silence-analysis.js';

/** What {@link analyzeTrial} reads. Times are epoch ms on the host's clock (probes, agents and the Lease share it). */
export interface TrialAnalysisInput {
  /** The probes of this trial's VIP (any order; k6-probe's `tMs` is the time each request was sent). */
  probes: readonly ProbeResult[];
  /** When the fault was injected. */
  faultAtMs: number;
  /** The node that held the service's Lease when the fault was injected. */
  fromNode: string;
  /** Agent log events of any node; only `acquire` and `bind` of this VIP (or without a VIP) are used. */
  events: readonly AnnouncerEvent[];
  /** `spec.acquireTime` of the Lease after the trial, when it names a holder other than `fromNode`. */
  newHolderAcquireTimeMs?: number | null;
  /** The VIP, for picking events; defaults to the probes' VIP. */
  vip?: string;
}

/** A {@link TrialRecord} without the fields the caller knows (variant, fault, trial, service, VIP). */
export type TrialAnalysis = Omit<TrialRecord, 'type' | 'variantId' | 'fault' | 'trial' | 'service' | 'vip'>;

/**
 * Turns one failover trial's probes and agent events into its figures. Pure. The definitions,
 * over the probes of one VIP ("ok" = HTTP 200; a probe's time is when it was sent; a probe counts
 * for a node only when its body named that node):
 *
 * - **lastGoodBefore**: the last ok probe answered by `fromNode` at or before the fault (null if none).
 * - **firstGoodAfter**: the first ok probe after the fault answered by another node; that node is
 *   `toNode` (both null when no other node answered within the probe window).
 * - **outage** = firstGoodAfter − lastGoodBefore; null when either is null (the service never came
 *   back on another node, or no good probe before the fault was seen). Measures how long until
 *   another node served the VIP, not unavailability: after a freeze `fromNode` may go on
 *   answering (compare `probesFailed`). Resolution: one probe interval.
 * - **takeover** = the new holder's acquire time − fault. The acquire time is the Lease's
 *   `acquireTime` when given (and not before the fault), else the first `acquire` event at or after
 *   the fault by `toNode` (or, when no node answered, by any node other than `fromNode`), preferring
 *   events that name this VIP. Null when neither exists.
 * - **ARP convergence** = firstGoodAfter − the first `bind` of this VIP by `toNode` at or after the
 *   fault, clamped at 0. A negative difference only means the first good probe was sent while the
 *   address was coming up (it is answered after the bind, or the agent stamped its log line after
 *   adding the address): the client reached the new node as soon as it could be seen. Null when
 *   firstGoodAfter or the bind is unknown.
 * - **dual answering**: the length of the union, over every pair of nodes, of the overlap of their
 *   answer spans (a node's span runs from its first to its last ok probe in the window). A→B→A
 *   counts from B's first answer to A's last; a clean switch A→B (A never answers again) counts 0.
 * - **probesSent / probesFailed**: all probes given / those not ok.
 */
export function analyzeTrial(input: TrialAnalysisInput): TrialAnalysis {
  const { faultAtMs, fromNode } = input;
  const probes = [...input.probes].sort((a, b) => a.tMs - b.tMs);
  const vip = input.vip ?? probes[0]?.vip;

  let lastGoodBeforeMs: number | null = null;
  let firstGood: ProbeResult | undefined;
  for (const p of probes) {
    if (!p.ok || p.node === null) continue;
    if (p.tMs <= faultAtMs) {
      if (p.node === fromNode) lastGoodBeforeMs = p.tMs;
    } else if (p.node !== fromNode) {
      firstGood = p;
      break;
    }
  }
  const firstGoodAfterMs = firstGood?.tMs ?? null;
  const toNode = firstGood?.node ?? null;
  const outageMs =
    firstGoodAfterMs !== null && lastGoodBeforeMs !== null ? firstGoodAfterMs - lastGoodBeforeMs : null;

  // Events of this VIP first; events without a VIP (an agent with no address yet) as a fallback.
  const afterFault = (kind: string, node: (n: string) => boolean): AnnouncerEvent | undefined => {
    const candidates = input.events
      .filter((e) => e.event === kind && e.tMs >= faultAtMs && node(e.node))
      .sort((a, b) => a.tMs - b.tMs);
    return (
      candidates.find((e) => vip !== undefined && e.vip === vip) ??
      candidates.find((e) => !e.vip || vip === undefined)
    );
  };

  const acquireAt = input.newHolderAcquireTimeMs;
  const acquireEvent = afterFault('acquire', (n) => (toNode !== null ? n === toNode : n !== fromNode));
  const takeoverAtMs =
    acquireAt !== undefined && acquireAt !== null && acquireAt >= faultAtMs ? acquireAt : acquireEvent?.tMs;
  const takeoverMs = takeoverAtMs === undefined ? null : takeoverAtMs - faultAtMs;

  const bind = toNode === null ? undefined : afterFault('bind', (n) => n === toNode);
  const arpConvergenceMs =
    firstGoodAfterMs === null || bind === undefined ? null : Math.max(0, firstGoodAfterMs - bind.tMs);

  return {
    fromNode,
    toNode,
    faultAtMs,
    lastGoodBeforeMs,
    firstGoodAfterMs,
    outageMs,
    takeoverMs,
    arpConvergenceMs,
    dualAnsweringMs: dualAnsweringMs(probes),
    probesSent: probes.length,
    probesFailed: probes.filter((p) => !p.ok).length,
  };
}

/**
 * Where the probes' answers name the echo pod's node (kube-proxy's pick), not the announcer's, the
 * node-based figures say nothing of the failover: a probe sent just after the fault, before the
 * node was gone, was "answered by another node" whenever the pod was elsewhere (kind's crash
 * trials read 50–200 ms outages while 3 in 4 probes failed until the takeover). Instead: the
 * outage is the VIP's longest silence after the fault (0: none), the new announcer the Lease's
 * holder after the trial, ARP convergence unknown, and two announcers answering not observable
 * from the probes (`dualAnsweringSource: 'none'`, unless a wire watch saw it).
 */
export function podAnsweredFigures(
  a: Pick<TrialAnalysis, 'faultAtMs' | 'fromNode'>,
  own: readonly ProbeResult[],
  holderAfter: string | null,
): Partial<TrialAnalysis> & Pick<TrialRecord, 'dualAnsweringSource'> {
  const outageMs = longestSilenceMs(own, a.faultAtMs);
  return {
    outageMs,
    toNode: holderAfter && holderAfter !== a.fromNode ? holderAfter : null,
    lastGoodBeforeMs: null,
    firstGoodAfterMs: null,
    arpConvergenceMs: null,
    dualAnsweringMs: 0,
    dualAnsweringSource: 'none',
  };
}

/** See {@link analyzeTrial}: the union of the pairwise overlaps of the nodes' answer spans. */
export function dualAnsweringMs(probes: readonly ProbeResult[]): number {
  const spans = new Map<string, { first: number; last: number }>();
  for (const p of probes) {
    if (!p.ok || p.node === null) continue;
    const s = spans.get(p.node);
    if (!s) spans.set(p.node, { first: p.tMs, last: p.tMs });
    else {
      s.first = Math.min(s.first, p.tMs);
      s.last = Math.max(s.last, p.tMs);
    }
  }
  const list = [...spans.values()];
  const overlaps: { from: number; to: number }[] = [];
  list.forEach((a, i) => {
    for (const b of list.slice(i + 1)) {
      const from = Math.max(a.first, b.first);
      const to = Math.min(a.last, b.last);
      if (to > from) overlaps.push({ from, to });
    }
  });
  overlaps.sort((a, b) => a.from - b.from);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const o of overlaps) {
    if (o.to <= end) continue;
    total += o.to - Math.max(o.from, end);
    end = o.to;
  }
  return total;
}
