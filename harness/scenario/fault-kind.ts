import { z } from 'zod';

/** The fault kinds, as scenarios, the runner and results name them. */
export const FAULT_KINDS = [
  'node-crash',
  'agent-crash',
  'freeze',
  'partition',
  'graceful',
  'control-plane-outage',
] as const;

/**
 * What a failover trial does to the node announcing a VIP: `node-crash` (the node and its
 * addresses; written `crash` before agent crashes were told apart, so `crash` still reads as
 * node-crash), `agent-crash` (the agent process alone, its node and kernel stay up), `freeze`,
 * `partition`, `graceful`, `control-plane-outage` (the nodes cannot reach kube-apiserver for a while).
 */
export const FaultKind = z
  .enum([...FAULT_KINDS, 'crash'])
  .transform((kind): (typeof FAULT_KINDS)[number] => (kind === 'crash' ? 'node-crash' : kind));
export type FaultKind = z.output<typeof FaultKind>;
