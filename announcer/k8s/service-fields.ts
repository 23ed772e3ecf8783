import type { V1Service } from '@kubernetes/client-node';
import { canonicalIp } from '../ipam/ip-address.js';

/** Cilium's annotation for requested LB addresses, comma-separated. */
export const requestedIpsAnnotation = 'io.cilium/lb-ipam-ips';

/** Load balancer classes Cilium's LB IPAM serves; a service with any other class is someone else's. */
export const servedLoadBalancerClasses: readonly string[] = [
  'io.cilium/l2-announcer',
  'io.cilium/bgp-control-plane',
];

/** `namespace/name`, the key used for services everywhere in the announcer. */
export function serviceKey(svc: V1Service): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

/** Whether LB IPAM should give this service an address: type LoadBalancer, no foreign class. */
export function wantsLbAddress(svc: V1Service): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === null || servedLoadBalancerClasses.includes(cls);
}

/**
 * Requested addresses from the annotation and the deprecated `spec.loadBalancerIP`, in that
 * order, deduplicated. Unparseable entries are returned verbatim under `invalid`.
 */
export function requestedIps(svc: V1Service): { ips: string[]; invalid: string[] } {
  const raw = [
    ...(svc.metadata?.annotations?.[requestedIpsAnnotation] ?? '').split(','),
    svc.spec?.loadBalancerIP ?? '',
  ]
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const ips: string[] = [];
  const invalid: string[] = [];
  for (const r of raw) {
    const ip = canonicalIp(r);
    if (ip === null) invalid.push(r);
    else if (!ips.includes(ip)) ips.push(ip);
  }
  return { ips, invalid };
}

/** The addresses in `status.loadBalancer.ingress[].ip`, canonical, in order. */
export function ingressIps(svc: V1Service): string[] {
  const out: string[] = [];
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    const ip = ing.ip ? canonicalIp(ing.ip) : null;
    if (ip !== null && !out.includes(ip)) out.push(ip);
  }
  return out;
}

/**
 * Labels a service selector sees: the service's labels plus Cilium's pseudo-labels for its
 * namespace and name, so `io.kubernetes.service.namespace: team-a` selects a namespace.
 */
export function serviceSelectorLabels(svc: V1Service): Record<string, string> {
  return {
    ...(svc.metadata?.labels ?? {}),
    'io.kubernetes.service.namespace': svc.metadata?.namespace ?? '',
    'io.kubernetes.service.name': svc.metadata?.name ?? '',
  };
}

/**
 * Cilium's annotation for address sharing: LoadBalancer services of one namespace with the same
 * value may get the same address when their ports do not clash (Cilium's LB IPAM "sharing key").
 */
export const sharingKeyAnnotation = 'lbipam.cilium.io/sharing-key';

/** `namespace/key` of the service's sharing group, or null when it does not share. */
export function sharingGroup(svc: V1Service): string | null {
  const key = svc.metadata?.annotations?.[sharingKeyAnnotation]?.trim();
  return key ? `${svc.metadata?.namespace ?? ''}/${key}` : null;
}

/** `port/protocol` of each service port: two services sharing one address must not repeat one. */
export function portKeys(svc: V1Service): string[] {
  return (svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
}
