/** How per-service Lease objects are named: like Cilium, or like kube-vip's service election. */
export type LeaseNameStyle = 'cilium' | 'kube-vip';

/** A Lease's coordinates. */
export interface LeaseRef {
  namespace: string;
  name: string;
}

/**
 * The Lease a service's election uses.
 * - `cilium`: `cilium-l2announce-<namespace>-<service>` in `leaseNamespace` (Cilium puts them in
 *   the agent's namespace, kube-system), so every lease of the cluster sits in one namespace.
 * - `kube-vip`: `kubevip-<service>` in the service's own namespace (kube-vip's
 *   `svc_election` mode), which needs lease rights in every namespace (see deploy/rbac.yaml).
 */
export function leaseFor(
  service: { namespace: string; name: string },
  style: LeaseNameStyle,
  leaseNamespace: string,
): LeaseRef {
  return style === 'cilium'
    ? { namespace: leaseNamespace, name: `cilium-l2announce-${service.namespace}-${service.name}` }
    : { namespace: service.namespace, name: `kubevip-${service.name}` };
}
