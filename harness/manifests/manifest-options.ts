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
}

/** Label kind puts on every node that runs an agent (the scenario's selected and unselected nodes). */
export const AGENT_NODE_LABEL = 'l2bench.io/agent';

/** The namespace of a run's agents, operator and (cilium-style) leases. */
export function systemNamespace(runId: string): string {
  return `l2bench-${runId}`;
}

/** Ports in the node's network namespace (hostNetwork): kept off 9090, which Prometheus often has. */
export const AGENT_METRICS_PORT = 9965;
export const OPERATOR_METRICS_PORT = 9966;
