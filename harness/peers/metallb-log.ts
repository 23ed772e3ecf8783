import type { AnnouncerEvent } from '../deployment/announcer-events.js';

/**
 * Turns a MetalLB speaker log line into the events failover analysis reads (MetalLB has no Lease:
 * its logs are where a takeover shows). speaker/main.go logs, as go-kit JSON:
 * - `"event":"serviceAnnounced"` with `"ips":[…]` after every sync in which this node wins the
 *   service (the first after a fault is the takeover). From that moment its ARP responder answers
 *   for the address and it sends gratuitous ARP: both our `acquire` and our `bind`.
 * - `"event":"serviceWithdrawn"` with `"ip":[…]` when it stops: our `release` and `unbind`.
 * Its `ts` has whole seconds (time.RFC3339), too coarse for a takeover: the time is `receivedMs`,
 * when the harness read the line from the speaker's stdout (it writes each line at once).
 */
export function parseMetallbSpeakerLine(line: string, node: string, receivedMs: number): AnnouncerEvent[] {
  if (!line.startsWith('{') || !line.includes('"service')) return [];
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [];
  }
  const kinds =
    o.event === 'serviceAnnounced'
      ? (['acquire', 'bind'] as const)
      : o.event === 'serviceWithdrawn'
        ? (['release', 'unbind'] as const)
        : null;
  if (!kinds) return [];
  const ips = o.event === 'serviceAnnounced' ? o.ips : o.ip;
  const vips = Array.isArray(ips) ? ips.filter((x): x is string => typeof x === 'string') : [];
  return vips.flatMap((vip) => kinds.map((event) => ({ tMs: receivedMs, node, event, vip })));
}

/**
 * The node announcing `vip` as the speakers' logs say, reading events in arrival order: of the
 * nodes that announced it and have not withdrawn it since, the latest to announce. Before
 * memberlist converges two speakers may both announce and one then withdraws (`notOwner`): the
 * other one still announces. Null when none does.
 */
export function metallbAnnouncingNode(events: readonly AnnouncerEvent[], vip: string): string | null {
  const announcing: string[] = [];
  for (const e of events) {
    if (e.vip !== vip || (e.event !== 'acquire' && e.event !== 'release')) continue;
    const i = announcing.indexOf(e.node);
    if (i >= 0) announcing.splice(i, 1);
    if (e.event === 'acquire') announcing.push(e.node);
  }
  return announcing.at(-1) ?? null;
}
