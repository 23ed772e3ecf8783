import type { KubernetesObject } from '@kubernetes/client-node';
import type { ServicePlan } from '../manifests/scenario-objects.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import type { AnnouncerEventLog } from './announcer-events.js';

/**
 * What one backend does to run the announcer's agents: a process in a node's network namespace
 * (local), a process in a node container (docker), a DaemonSet pod (kind, cluster). Everything on
 * the Kubernetes side of a run (CRDs, namespaces, pool, policy, services, addresses, resetting
 * between variants) is {@link AnnouncerDeployment}'s, the same on every backend.
 */
export interface AgentRunner extends AsyncDisposable {
  /** The run as messages name it: `local run ab12cd`. */
  readonly where: string;
  /** Where the IPAM operator runs, for the message when no address comes. */
  readonly operator: string;
  /** The agents' `--lease-namespace`: cilium-style, bucket and node Leases live there. */
  readonly leaseNamespace: string;
  /** Namespaces the agents need (created when absent, before {@link agentObjects}). */
  readonly namespaces: readonly string[];
  /** Where the agents' log events go. */
  readonly events: AnnouncerEventLog;
  /**
   * RBAC and identities the agents need under `scenario` (labelled with the run); applied before
   * {@link prepare} and again after each reconfigure, as the lease name style may need more.
   */
  agentObjects(scenario: ResolvedScenario): KubernetesObject[];
  /** Starts the echo backends the services point at and whatever the agents need before they start. */
  prepare(scenario: ResolvedScenario, signal?: AbortSignal): Promise<void>;
  /** Starts an agent on every node (and the IPAM operator), with `scenario`'s settings. */
  startAll(scenario: ResolvedScenario, signal?: AbortSignal): Promise<void>;
  /** Stops every agent and the operator gracefully (SIGTERM: leases released, VIPs unbound). */
  stopAll(signal?: AbortSignal): Promise<void>;
  /**
   * After the services exist (created or kept): what the cluster would write beside them that this
   * runner stands in for (MetalLB on the local backend: EndpointSlices, as no kubelet runs there).
   */
  servicesCreated?(plans: readonly ServicePlan[], scenario: ResolvedScenario): Promise<void>;
}
