import { JITTER_FACTOR } from '../../announcer/election/election-config.js';
import { failoverBoundMs } from '../../announcer/election/strategy-bounds.js';
import type { FaultKind } from './fault-kind.js';
import { metallbTakeoverBoundMs } from './peer-rules.js';
import type { Strategy } from './strategy-schema.js';

interface Timings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/**
 * The longest a takeover may take after `fault` under `strategy`, in ms: the strategy's documented
 * bound (announcer/election/strategy-bounds.ts; per-service and sharded candidates may see the last
 * renewal one jittered period late, so theirs exceeds lease + 2.2 retry periods) and never less
 * than client-go's lease + 2.2 retry periods. Probe windows and the ETA are sized by it.
 */
export function takeoverBoundMs(strategy: Strategy, t: Timings, fault: FaultKind = 'node-crash'): number {
  const bounds = failoverBoundMs(strategy, t);
  const bound = fault === 'graceful' ? bounds.gracefulMs : bounds.crashMs;
  return Math.max(bound, worstCaseTakeoverMs(t.leaseDurationMs, t.retryPeriodMs));
}

/**
 * Worst-case takeover after a holder dies, in ms: the lease runs out, then a candidate waits up to
 * (1 + JITTER_FACTOR) retry periods before its next try.
 */
export function worstCaseTakeoverMs(leaseDurationMs: number, retryPeriodMs: number): number {
  return leaseDurationMs + (1 + JITTER_FACTOR) * retryPeriodMs;
}

/**
 * The takeover bound of a scenario's implementation: MetalLB's memberlist failure detection
 * among its selected nodes' speakers, or {@link takeoverBoundMs} of the strategy at its timers.
 */
export function scenarioTakeoverBoundMs(
  s: {
    announcer: Timings & { implementation: string; strategy: Strategy };
    nodes: { count: number };
  },
  fault: FaultKind = 'node-crash',
): number {
  if (s.announcer.implementation === 'metallb') return metallbTakeoverBoundMs(s.nodes.count);
  return takeoverBoundMs(s.announcer.strategy, s.announcer, fault);
}
