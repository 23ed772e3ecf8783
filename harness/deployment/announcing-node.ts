import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { NODE_LEASE_LABEL, NODE_POLICIES_ANNOTATION } from '../../announcer/election/node-lease-placement.js';
import { rendezvousOwner, shardLeaseName, shardOf } from '../../announcer/election/placement-hash.js';
import { leaseFor } from '../../announcer/policy/lease-name.js';
import type { Strategy } from '../scenario/strategy-schema.js';

/** The namespace of cilium-style, shard and node Leases: the agent's `--lease-namespace` default. */
export const LEASE_NAMESPACE = 'kube-system';

/**
 * The Lease whose holder announces a service under a strategy: its own (per-service,
 * per-service-watch; named as the announcer names it), its bucket's (sharded), or none
 * (node-lease: the rendezvous choice among the live node Leases in `leaseNamespace` announces it).
 */
export function serviceLease(
  strategy: Strategy,
  service: { namespace: string; name: string },
  style: 'cilium' | 'kube-vip',
): { leaseName: string | null; leaseNamespace: string } {
  switch (strategy.kind) {
    case 'per-service': {
      const ref = leaseFor(service, style, LEASE_NAMESPACE);
      return { leaseName: ref.name, leaseNamespace: ref.namespace };
    }
    case 'per-service-watch':
      // The watch strategy keeps its Leases in one namespace, whatever the name style.
      return { leaseName: leaseFor(service, style, LEASE_NAMESPACE).name, leaseNamespace: LEASE_NAMESPACE };
    case 'sharded': {
      const bucket = shardOf(`${service.namespace}/${service.name}`, strategy.shards);
      return { leaseName: shardLeaseName(bucket, strategy.shards), leaseNamespace: LEASE_NAMESPACE };
    }
    case 'node-lease':
      return { leaseName: null, leaseNamespace: LEASE_NAMESPACE };
  }
}

/** Who announces a service, as the API server's Leases say now. */
export interface AnnouncingNode {
  node: string | null;
  /**
   * When that node took the service on: the service's (or bucket's) Lease `acquireTime`; null for
   * node-lease, whose node Leases say when a node joined, not when it took a service on.
   */
  acquireTimeMs: number | null;
}

function timeMs(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value);
  return null;
}

/** The holder and acquire time of a Lease; both null when it is missing or unreadable. */
export async function readLeaseHolder(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<{ holder: string | null; acquireTimeMs: number | null }> {
  const api = kc.makeApiClient(CoordinationV1Api);
  try {
    const l = await api.readNamespacedLease({ namespace, name });
    return { holder: l.spec?.holderIdentity || null, acquireTimeMs: timeMs(l.spec?.acquireTime) };
  } catch {
    return { holder: null, acquireTimeMs: null };
  }
}

/**
 * Node names whose node Lease is live at `nowMs`: held, renewed within its duration, and
 * publishing at least one policy (an agent on a node no policy selects holds none, or an empty one).
 * A run applies one policy, so "some policy" is "the run's policy". Pure.
 */
export function liveNodeLeaseHolders(leases: readonly V1Lease[], nowMs: number): string[] {
  return leases.flatMap((l) => {
    const holder = l.spec?.holderIdentity;
    const renewedMs = timeMs(l.spec?.renewTime) ?? timeMs(l.spec?.acquireTime);
    const durationMs = (l.spec?.leaseDurationSeconds ?? 0) * 1000;
    const policies = l.metadata?.annotations?.[NODE_POLICIES_ANNOTATION];
    const live = holder && renewedMs !== null && renewedMs + durationMs > nowMs && policies !== '';
    return live ? [holder] : [];
  });
}

/**
 * The node announcing `service` under `strategy`: the holder of its Lease, or for node-lease the
 * rendezvous choice among the live node Leases, computed with the announcer's own hash.
 */
export async function findAnnouncingNode(
  kc: KubeConfig,
  strategy: Strategy,
  service: { namespace: string; name: string; leaseName: string | null; leaseNamespace: string },
): Promise<AnnouncingNode> {
  if (service.leaseName !== null) {
    const l = await readLeaseHolder(kc, service.leaseNamespace, service.leaseName);
    return { node: l.holder, acquireTimeMs: l.acquireTimeMs };
  }
  if (strategy.kind !== 'node-lease') return { node: null, acquireTimeMs: null };
  const api = kc.makeApiClient(CoordinationV1Api);
  try {
    const list = await api.listNamespacedLease({
      namespace: service.leaseNamespace,
      labelSelector: `${NODE_LEASE_LABEL}=true`,
    });
    const live = liveNodeLeaseHolders(list.items, Date.now());
    return { node: rendezvousOwner(`${service.namespace}/${service.name}`, live), acquireTimeMs: null };
  } catch {
    return { node: null, acquireTimeMs: null };
  }
}

/**
 * Polls (every second, up to `timeoutMs`) until `node` holds a live node Lease renewed at or after
 * `sinceMs` (a crashed node's old Lease may not have expired yet); false on timeout.
 */
export async function waitForNodeLease(
  kc: KubeConfig,
  node: string,
  sinceMs: number,
  timeoutMs: number,
  signal?: AbortSignal,
  leaseNamespace = LEASE_NAMESPACE,
): Promise<boolean> {
  const api = kc.makeApiClient(CoordinationV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const list = await api.listNamespacedLease({
        namespace: leaseNamespace,
        labelSelector: `${NODE_LEASE_LABEL}=true`,
      });
      const fresh = list.items.filter((l) => (timeMs(l.spec?.renewTime) ?? 0) >= sinceMs);
      if (liveNodeLeaseHolders(fresh, Date.now()).includes(node)) return true;
    } catch {
      // The API server may be busy; try again.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}
