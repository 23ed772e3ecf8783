import type { PoolCondition } from './lb-ip-pool.js';
import type { PoolUsage } from './plan-allocations.js';

/**
 * The status conditions for one pool: Cilium's own types (so `kubectl get ippools` printcolumns
 * and dashboards read them) plus `l2bench.io/PoolMalformed`, which Cilium has no need for
 * because its CRD rejects malformed CIDRs at admission while ours admits them on purpose.
 */
export function desiredPoolConditions(usage: PoolUsage): PoolCondition[] {
  const { pool, used } = usage;
  const count = (type: string, n: bigint): PoolCondition => ({
    type,
    status: 'Unknown',
    reason: 'noreason',
    message: n.toString(),
  });
  const conflict = pool.problem?.kind === 'conflict' ? pool.problem.message : null;
  const malformed = pool.problem?.kind === 'malformed' ? pool.problem.message : null;
  return [
    count('cilium.io/IPsTotal', pool.total),
    count('cilium.io/IPsAvailable', pool.total - used > 0n ? pool.total - used : 0n),
    count('cilium.io/IPsUsed', used),
    conflict
      ? { type: 'cilium.io/PoolConflict', status: 'True', reason: 'cidr_overlap', message: conflict }
      : { type: 'cilium.io/PoolConflict', status: 'False', reason: 'resolved', message: '' },
    malformed
      ? { type: 'l2bench.io/PoolMalformed', status: 'True', reason: 'malformed_block', message: malformed }
      : { type: 'l2bench.io/PoolMalformed', status: 'False', reason: 'valid', message: '' },
  ];
}

/**
 * Merges desired conditions into the current ones the way `meta.SetStatusCondition` does:
 * `lastTransitionTime` moves only when `status` changes. `changed` is false when nothing but
 * timestamps would differ, so the operator can skip the write.
 */
export function mergePoolConditions(
  current: readonly PoolCondition[] | null | undefined,
  desired: readonly PoolCondition[],
  nowIso: string,
  generation: number | undefined,
): { conditions: PoolCondition[]; changed: boolean } {
  let changed = false;
  const byType = new Map((current ?? []).map((c) => [c.type, c]));
  const conditions = desired.map((d) => {
    const old = byType.get(d.type);
    byType.delete(d.type);
    const same = old?.status === d.status;
    if (
      !old ||
      !same ||
      old.reason !== d.reason ||
      old.message !== d.message ||
      old.observedGeneration !== generation
    ) {
      changed = true;
    }
    return {
      ...d,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime: same && old?.lastTransitionTime ? old.lastTransitionTime : nowIso,
    };
  });
  // Conditions someone else set (other types) are kept untouched.
  return { conditions: [...conditions, ...byType.values()], changed };
}
