import type { ResolvedScenario } from '../scenario/scenario-schema.js';

/**
 * The announcer image as a backend made it available to the cluster's nodes (for kind: built by
 * the docker backend's image builder and loaded with `kind load docker-image`).
 */
export interface AnnouncerImage {
  /** Image reference, e.g. `l2bench/announcer:<content hash>`. */
  ref: string;
  /** argv that starts `announcer/main.ts` inside the image; agent flags are appended. */
  agentCommand: readonly string[];
  /** argv that starts the echo server inside the image; `<node-name> <port>` are appended. */
  echoCommand: readonly string[];
  /** `Never` where the image was side-loaded (kind), so no node ever contacts a registry. */
  pullPolicy: 'Never' | 'IfNotPresent';
}

/** What every generated manifest of one run depends on. */
export interface ManifestOptions {
  runId: string;
  scenario: ResolvedScenario;
  image: AnnouncerImage;
  /** The pool block when the scenario sets none: a range of the cluster network the backend carved. */
  vipCidr: string;
  /**
   * Node labels the agent DaemonSet is restricted to. Kind marks exactly the scenario's nodes
   * (selected and unselected) with {@link AGENT_NODE_LABEL}; an existing cluster runs it everywhere.
   */
  agentNodeSelector?: Record<string, string>;
  /**
   * The API server as agents and operator reach it without kube-proxy: `KUBERNETES_SERVICE_HOST`
   * and `_PORT` in their pods, as Cilium's `k8sServiceHost`/`k8sServicePort` (L2 announcements
   * need kube-proxy replacement, so Cilium never goes through the `kubernetes` Service). Absent:
   * the Service's ClusterIP, which a restarted node reaches only after its kube-proxy has
   * programmed it again.
   */
  apiServer?: { host: string; port: number };
}

/** Label kind puts on every node that runs an agent (the scenario's selected and unselected nodes). */
export const AGENT_NODE_LABEL = 'l2bench.io/agent';

/** The namespace of a run's (cilium-style, bucket and operator) Leases. */
export function systemNamespace(runId: string): string {
  return `l2bench-${runId}`;
}

/**
 * Where the agents and the operator run, with their ServiceAccount: kube-system, like Cilium's
 * `cilium` DaemonSet and `cilium-operator`. The namespace decides API Priority and Fairness: the
 * bootstrap `system-leader-election` FlowSchema sends Lease get/create/update by any kube-system
 * ServiceAccount to the `leader-election` level; a ServiceAccount elsewhere lands in `workload-low`.
 */
export const AGENT_WORKLOAD_NAMESPACE = 'kube-system';

/** Names of a run's agent DaemonSet, operator Deployment and their ServiceAccount in kube-system. */
export function agentWorkloadNames(runId: string): {
  agent: string;
  operator: string;
  serviceAccount: string;
} {
  return {
    agent: `l2bench-announcer-${runId}`,
    operator: `l2bench-ipam-operator-${runId}`,
    serviceAccount: `l2bench-announcer-${runId}`,
  };
}

/** Ports in the node's network namespace (hostNetwork): kept off 9090, which Prometheus often has. */
export const AGENT_METRICS_PORT = 9965;
export const OPERATOR_METRICS_PORT = 9966;
