import type { DesiredVip } from './dataplane/vip-dataplane.js';
import type { ElectionRef } from './election/election-strategy.js';
import type { ElectorHandle } from './elector-factory.js';
import type { Announcement } from './policy/select-announcements.js';

/** One election: one service for most strategies, a shard's services for `sharded:K`. */
export interface ManagedElector {
  ref: ElectionRef;
  members: Announcement[];
  handle: ElectorHandle;
  leading: boolean;
}

/** Log fields of one member of an election. */
export function electionFields(e: { ref: ElectionRef }, a: Announcement) {
  return { lease: e.ref.lease.name, leaseNamespace: e.ref.lease.namespace, service: a.service };
}

/** The VIPs the leading elections carry, each once (the first election naming it wins). */
export function desiredVips(electors: Iterable<ManagedElector>): Map<string, DesiredVip> {
  const desired = new Map<string, DesiredVip>();
  for (const e of electors) {
    if (!e.leading) continue;
    for (const a of e.members)
      for (const vip of a.vips)
        if (!desired.has(vip)) desired.set(vip, { iface: a.iface, ...electionFields(e, a) });
  }
  return desired;
}
