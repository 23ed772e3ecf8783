import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';

/** Label on every object a run creates, so teardown and `cleanup` can find them. */
export const RUN_LABEL = 'l2bench.io/run';
/** Selector label of the echo backend pods the services point at. */
export const ECHO_SELECTOR = { app: 'l2bench-echo' };
/** Cilium LB-IPAM's annotation: services with the same key (and compatible ports) share one address. */
export const SHARING_KEY_ANNOTATION = 'lbipam.cilium.io/sharing-key';

export interface ServicePlan {
  name: string;
  namespace: string;
  type: 'LoadBalancer' | 'ClusterIP';
  announced: boolean;
  /** `services.sharedAddress`: the sharing key this service's pair carries. */
  sharingKey?: string;
}

/** The services a scenario asks for, in a stable order (announced first). */
export function planServices(s: ResolvedScenario): ServicePlan[] {
  const ns = s.services.namespace;
  const out: ServicePlan[] = [];
  for (let i = 0; i < s.services.announced; i++) {
    // Pairs (0,1), (2,3)…; an odd last service keeps an address of its own.
    const paired = s.services.sharedAddress && (i % 2 === 1 || i + 1 < s.services.announced);
    out.push({
      name: `public-${i}`,
      namespace: ns,
      type: 'LoadBalancer',
      announced: true,
      ...(paired ? { sharingKey: `l2bench-pair-${Math.floor(i / 2)}` } : {}),
    });
  }
  for (let i = 0; i < s.services.unannounced; i++)
    out.push({ name: `private-lb-${i}`, namespace: ns, type: 'LoadBalancer', announced: false });
  for (let i = 0; i < s.services.clusterIP; i++)
    out.push({ name: `internal-${i}`, namespace: ns, type: 'ClusterIP', announced: false });
  return out;
}

/** A Service object as the seed writes it: port 80 → named targetPort on the echo backend. */
export function serviceObject(p: ServicePlan, s: ResolvedScenario, runId: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { ...(p.announced ? s.services.labels : {}), [RUN_LABEL]: runId },
      ...(p.sharingKey ? { annotations: { [SHARING_KEY_ANNOTATION]: p.sharingKey } } : {}),
    },
    spec: {
      type: p.type,
      selector: ECHO_SELECTOR,
      ports: [
        {
          name: 'http-port',
          protocol: 'TCP',
          port: s.services.echo.port,
          targetPort: s.services.echo.targetPort,
        },
      ],
    },
  };
}

/** The pool and policy, shaped like the seed's manifests (addresses from the backend's VIP range). */
export function announcementObjects(s: ResolvedScenario, vipCidr: string, runId: string): KubernetesObject[] {
  const blocks = s.pool?.cidr
    ? [{ cidr: s.pool.cidr }]
    : s.pool?.start
      ? [{ start: s.pool.start, stop: s.pool.stop }]
      : [{ cidr: vipCidr }];
  return [
    {
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumLoadBalancerIPPool',
      metadata: { name: `l2bench-${runId}`, labels: { [RUN_LABEL]: runId } },
      spec: { blocks },
    } as KubernetesObject,
    {
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumL2AnnouncementPolicy',
      metadata: { name: `l2bench-${runId}`, labels: { [RUN_LABEL]: runId } },
      spec: {
        nodeSelector: { matchLabels: s.nodes.labels },
        // The seed's operator added the serviceSelector as the fix for the all-services bug
        // (cilium/cilium#28752); the bug variant runs the policy as it was before that fix.
        ...(s.announcer.selection === 'all-services'
          ? {}
          : { serviceSelector: { matchLabels: s.services.labels } }),
        interfaces: ['^eth0$'],
        loadBalancerIPs: true,
      },
    } as KubernetesObject,
  ];
}
