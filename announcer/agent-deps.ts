import type { KubeConfig } from '@kubernetes/client-node';
import type { AgentConfig } from './config.js';
import type { VipDataplane } from './dataplane/vip-dataplane.js';
import type { ElectionStrategy } from './election/election-strategy.js';
import type { ElectorFactory } from './elector-factory.js';
import type { JsonLogger } from './json-logger.js';
import type { AgentMetrics } from './metrics/agent-metrics.js';

/** Lease of the IPAM operator role, in `--lease-namespace`. */
export const ipamOperatorLease = 'l2bench-ipam-operator';

/** Identity, timings and labels every election of this agent shares (the lease comes per election). */
export function electionBase(cfg: AgentConfig) {
  return {
    identity: cfg.nodeName,
    leaseDurationMs: cfg.leaseDurationMs,
    renewDeadlineMs: cfg.renewDeadlineMs,
    retryPeriodMs: cfg.retryPeriodMs,
    renewMode: cfg.renewMode,
    stepDown: cfg.stepDown,
    onApiOutage: cfg.onApiOutage,
    labels: { 'app.kubernetes.io/managed-by': 'l2bench-announcer' },
  };
}

/** What the agent is built from; `main.ts` makes the real ones. */
export interface AgentDeps {
  kc: KubeConfig;
  log: JsonLogger;
  metrics: AgentMetrics;
  dataplane: VipDataplane;
  /** For the IPAM operator's own lease (always a client-go style elector). */
  makeElector: ElectorFactory;
  /** Decides which services this node announces (`--strategy`). */
  strategy: ElectionStrategy;
}
