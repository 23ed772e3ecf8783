import type { V1Service } from '@kubernetes/client-node';
import { canonicalIp, parseIp } from '../ipam/ip-address.js';
import { matchesLabelSelector } from '../k8s/label-selector.js';
import { ingressIps, serviceKey, serviceSelectorLabels } from '../k8s/service-fields.js';
import { chooseInterface } from './choose-interface.js';
import type { L2AnnouncementPolicy } from './l2-announcement-policy.js';
import { type LeaseNameStyle, type LeaseRef, leaseFor } from './lease-name.js';

/**
 * `policy`: Cilium ≥ 1.14.5 behaviour, a service gets an election only if a policy selects it
 * and it has an address to announce.
 * `all-services`: the behaviour of cilium/cilium#28752 (fixed by #29446), which the seed blog
 * hit: every service a policy selects gets an election, of any type and with or without an
 * address; ClusterIP-only services hold leases that announce nothing. Use a policy without a
 * `serviceSelector` to make that "every Service in the cluster".
 */
export type Selection = 'policy' | 'all-services';

/** One service this node campaigns for. */
export interface Announcement {
  /** `namespace/name`. */
  service: string;
  lease: LeaseRef;
  /** Addresses to bind when leading, canonical, sorted; may be empty in `all-services` mode. */
  vips: string[];
  /** Interface to bind on. */
  iface: string;
  /** The policy that chose the interface. */
  policy: string;
  /**
   * Every policy that selects the service (serviceSelector and, in `policy` mode, an address),
   * whichever nodes it applies to, sorted: the node-lease strategy's eligibility test.
   */
  selectingPolicies: string[];
  /**
   * Set when this service shares its address with others and one election decides for all of
   * them (`--shared-address-election per-address`): the service whose election that is.
   */
  electAs?: string;
}

/** Everything the selection depends on. */
export interface AnnouncementInput {
  services: readonly V1Service[];
  policies: readonly L2AnnouncementPolicy[];
  /** Labels of this node's Node object (`{}` when it does not exist). */
  nodeLabels: Readonly<Record<string, string>>;
  /** This node's interface names in ifindex order. */
  interfaces: readonly string[];
  selection: Selection;
  leaseNameStyle: LeaseNameStyle;
  leaseNamespace: string;
}

/** The selection plus configuration problems worth logging. */
export interface AnnouncementPlan {
  announcements: Announcement[];
  problems: string[];
  /** Names of the policies that apply to this node (nodeSelector and an interface), sorted. */
  applicablePolicies: string[];
}

/** Cilium's L2 announcer leaves services of any other load balancer class alone. */
const l2LoadBalancerClass = 'io.cilium/l2-announcer';

function addressesFor(policy: L2AnnouncementPolicy, svc: V1Service): string[] {
  const out = new Set<string>();
  if (policy.spec?.loadBalancerIPs) for (const ip of ingressIps(svc)) out.add(ip);
  if (policy.spec?.externalIPs) {
    for (const raw of svc.spec?.externalIPs ?? []) {
      const ip = canonicalIp(raw);
      if (ip) out.add(ip);
    }
  }
  // ARP is IPv4; like Cilium's L2 announcer (no NDP), IPv6 addresses are not announced.
  return [...out].filter((ip) => parseIp(ip)?.family === 4);
}

/**
 * Which services this node campaigns for, and where it would bind their VIPs. A policy applies
 * to this node when its `nodeSelector` selects the node and one of its `interfaces` exists here.
 * A service selected by several policies is announced once, with the union of their addresses,
 * on the interface of the first of them by name.
 */
export function selectAnnouncements(input: AnnouncementInput): AnnouncementPlan {
  const problems: string[] = [];
  const applicable: Array<{ policy: L2AnnouncementPolicy; name: string; iface: string }> = [];
  const policies = [...input.policies].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  for (const policy of policies) {
    const name = policy.metadata?.name ?? '';
    const choice = chooseInterface(policy.spec?.interfaces, input.interfaces);
    for (const p of choice.invalid) {
      problems.push(`policy ${name}: interface pattern ${JSON.stringify(p)} is not a regular expression`);
    }
    if (!matchesLabelSelector(policy.spec?.nodeSelector, input.nodeLabels)) continue;
    if (choice.iface === null) continue;
    applicable.push({ policy, name, iface: choice.iface });
  }

  const announcements: Announcement[] = [];
  const services = [...input.services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)));
  for (const svc of services) {
    const cls = svc.spec?.loadBalancerClass;
    if (cls && cls !== l2LoadBalancerClass) continue;
    const labels = serviceSelectorLabels(svc);
    const matching = applicable.filter((a) => matchesLabelSelector(a.policy.spec?.serviceSelector, labels));
    const withAddresses = matching
      .map((a) => ({ ...a, vips: addressesFor(a.policy, svc) }))
      .filter((a) => a.vips.length > 0);
    const chosen = input.selection === 'policy' ? withAddresses[0] : (withAddresses[0] ?? matching[0]);
    if (!chosen) continue;
    const vips = [...new Set(withAddresses.flatMap((a) => a.vips))].sort();
    const selectingPolicies = policies
      .filter(
        (p) =>
          matchesLabelSelector(p.spec?.serviceSelector, labels) &&
          (input.selection === 'all-services' || addressesFor(p, svc).length > 0),
      )
      .map((p) => p.metadata?.name ?? '');
    const namespace = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    announcements.push({
      service: serviceKey(svc),
      lease: leaseFor({ namespace, name }, input.leaseNameStyle, input.leaseNamespace),
      vips,
      iface: chosen.iface,
      policy: chosen.name,
      selectingPolicies,
    });
  }
  return { announcements, problems, applicablePolicies: applicable.map((a) => a.name) };
}
