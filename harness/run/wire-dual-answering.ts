import type { WireObservations } from '../measure/arp-lines.js';
import type { TrialRecord } from '../results/results-schema.js';

export type WireDualAnswering = NonNullable<TrialRecord['dualAnswering']>;
export type DualInterval = WireDualAnswering['intervals'][number];

/**
 * Intervals in which two or more MACs answered the client's ARP requests for `vip`. Each request
 * opens a round that lasts until the next request (the last: one request period); a round is dual
 * when replies or gratuitous ARPs for `vip` from two MACs arrive in it. Consecutive dual rounds form
 * one interval, from the first one's request to the end of the last one. Resolution: one request
 * period (an answerer that appears and leaves between two requests is missed, and a clean switch
 * between two requests counts 0).
 */
export function arpDualIntervals(o: WireObservations, vip: string): DualInterval[] {
  const requests = o.packets
    .filter((p) => p.kind === 'request' && p.ip === vip && p.fromIp === o.clientIp)
    .map((p) => p.tMs)
    .sort((a, b) => a - b);
  const answers = o.packets
    .flatMap((p) => ((p.kind === 'reply' || p.kind === 'gratuitous') && p.ip === vip ? [p] : []))
    .sort((a, b) => a.tMs - b.tMs);
  const out: DualInterval[] = [];
  let open: { fromMs: number; toMs: number; macs: Set<string> } | null = null;
  const close = () => {
    if (!open) return;
    const macs = [...open.macs].sort();
    const nodes = [...new Set(macs.map((m) => o.macToNode[m] ?? m))].sort();
    out.push({ fromMs: open.fromMs, toMs: open.toMs, macs, nodes });
    open = null;
  };
  requests.forEach((start, i) => {
    const end = requests[i + 1] ?? start + o.arpIntervalMs;
    const macs = new Set(answers.filter((a) => a.tMs >= start && a.tMs < end).map((a) => a.mac));
    if (macs.size < 2) {
      close();
    } else if (open && open.toMs === start) {
      open.toMs = end;
      for (const m of macs) open.macs.add(m);
    } else {
      close();
      open = { fromMs: start, toMs: end, macs };
    }
  });
  close();
  return out;
}

/** Time during which `vip` was bound on two or more nodes at once, from the address polls; null without polls. */
export function boundOnTwoMs(o: WireObservations, vip: string): number | null {
  if (o.addrPollMs === null || o.addrPolls.length === 0) return null;
  const polls = [...o.addrPolls].sort((a, b) => a.tMs - b.tMs);
  let total = 0;
  polls.forEach((p, i) => {
    const holders = Object.values(p.byNode).filter((ips) => ips.includes(vip)).length;
    if (holders >= 2) total += (polls[i + 1]?.tMs ?? p.tMs + (o.addrPollMs ?? 0)) - p.tMs;
  });
  return total;
}

/** The trial's dual-answering record for `vip`, and its total (the sum of the ARP intervals). */
export function wireDualAnswering(
  o: WireObservations,
  vip: string,
): { totalMs: number; record: WireDualAnswering } {
  const intervals = arpDualIntervals(o, vip);
  return {
    totalMs: intervals.reduce((sum, i) => sum + (i.toMs - i.fromMs), 0),
    record: {
      intervals,
      nodes: [...new Set(intervals.flatMap((i) => i.nodes))].sort(),
      boundOnTwoMs: boundOnTwoMs(o, vip),
      arpIntervalMs: o.arpIntervalMs,
      addrPollMs: o.addrPollMs,
      arpRepliesSeen: o.packets.filter((p) => p.kind === 'reply' && p.ip === vip).length,
    },
  };
}
