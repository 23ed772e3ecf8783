import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { LabelSelector } from '../k8s/label-selector.js';

/** Where `CiliumLoadBalancerIPPool` lives in the API (cluster-scoped, like Cilium's). */
export const lbIpPoolResource = {
  group: 'cilium.io',
  version: 'v2alpha1',
  plural: 'ciliumloadbalancerippools',
  kind: 'CiliumLoadBalancerIPPool',
} as const;

/** One block of a pool: either a CIDR or an inclusive start/stop range. */
export interface LbIpPoolBlock {
  cidr?: string | null;
  start?: string | null;
  stop?: string | null;
}

/** A `metav1.Condition` as written to the pool's status. */
export interface PoolCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** The parts of a `CiliumLoadBalancerIPPool` the IPAM reads. */
export interface LbIpPool {
  apiVersion?: string;
  kind?: string;
  /** Note: objects from a watch carry `creationTimestamp` as a string despite the type. */
  metadata?: V1ObjectMeta;
  spec?: {
    blocks?: LbIpPoolBlock[] | null;
    /** Cilium ≤ 1.14 spelling of `blocks`; both are read. */
    cidrs?: LbIpPoolBlock[] | null;
    serviceSelector?: LabelSelector | null;
    disabled?: boolean | null;
    /**
     * The string `"Yes"`/`"No"` (Cilium's type, enforced by our CRD). `true` is read as "Yes" in
     * case objects reach the IPAM some other way (tests, a laxer CRD).
     */
    allowFirstLastIPs?: string | boolean | null;
  } | null;
  status?: { conditions?: PoolCondition[] | null } | null;
}
