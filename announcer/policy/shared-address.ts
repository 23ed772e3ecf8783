import type { Announcement } from './select-announcements.js';

/**
 * One election per address: announcements whose VIPs overlap (services given one address through
 * Cilium's sharing key) are put in one group, and every member takes the lease of the group's
 * first service by `namespace/name` (`electAs` names it). The strategies then run one election
 * for the group, so one node binds the address. Without this, each service elects on its own and
 * two nodes can carry one address (Cilium's behaviour, cilium/cilium#48419).
 *
 * The lease is named after that first service (as if it did not share), so a group that loses a
 * member or a lone service that gains a sharer keeps its lease, and its holder, whenever that
 * first service stays the first. Announcements without VIPs are left alone.
 */
export function electPerAddress(announcements: readonly Announcement[]): Announcement[] {
  // Union-find over announcement indices, joined through the VIPs they share.
  const parent = announcements.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const byVip = new Map<string, number>();
  announcements.forEach((a, i) => {
    for (const vip of a.vips) {
      const j = byVip.get(vip);
      if (j === undefined) byVip.set(vip, i);
      else parent[root(i)] = root(j);
    }
  });
  const first = new Map<number, Announcement>();
  const size = new Map<number, number>();
  announcements.forEach((a, i) => {
    const r = root(i);
    size.set(r, (size.get(r) ?? 0) + 1);
    const f = first.get(r);
    if (!f || a.service < f.service) first.set(r, a);
  });
  return announcements.map((a, i) => {
    const r = root(i);
    const leader = first.get(r)!;
    if ((size.get(r) ?? 1) < 2) return a;
    return { ...a, lease: leader.lease, electAs: leader.service };
  });
}
