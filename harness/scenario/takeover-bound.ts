import { JITTER_FACTOR } from '../../announcer/election/election-config.js';
import { failoverBoundMs } from '../../announcer/election/strategy-bounds.js';
import type { FaultKind } from './fault-kind.js';
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
