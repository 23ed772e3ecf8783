import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { LabelSelector } from '../k8s/label-selector.js';

/** Where `CiliumL2AnnouncementPolicy` lives in the API (cluster-scoped, like Cilium's). */
export const l2AnnouncementPolicyResource = {
  group: 'cilium.io',
  version: 'v2alpha1',
  plural: 'ciliuml2announcementpolicies',
  kind: 'CiliumL2AnnouncementPolicy',
} as const;

/** The parts of a `CiliumL2AnnouncementPolicy` the announcer reads. */
export interface L2AnnouncementPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: {
    /** Nodes that take part; nil selects every node. */
    nodeSelector?: LabelSelector | null;
    /** Services announced; nil selects every service. */
    serviceSelector?: LabelSelector | null;
    /** Regular expressions for interface names; empty means every interface except `lo`. */
    interfaces?: string[] | null;
    /** Announce `status.loadBalancer.ingress[].ip`. */
    loadBalancerIPs?: boolean | null;
    /** Announce `spec.externalIPs`. */
    externalIPs?: boolean | null;
  } | null;
}
