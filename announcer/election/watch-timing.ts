import type { ElectionConfig } from './election-config.js';

type Timings = Pick<ElectionConfig, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>;

/**
 * How often a holder renews in the watch-based strategies (`per-service-watch`, `node-lease`):
 * `max(retryPeriod, min(leaseDuration / 3, renewDeadline − retryPeriod))`.
 *
 * Nobody polls, so nothing gains from renewing every retryPeriod: candidates learn of every write
 * from their watch and judge expiry by when they saw the last one. Renewing less often is the
 * saving; the cap `renewDeadline − retryPeriod` keeps room for at least one retry (every
 * retryPeriod) before the holder's deadline, and `leaseDuration / 3` two more before expiry.
 */
export function watchRenewIntervalMs(t: Timings): number {
  return Math.max(t.retryPeriodMs, Math.min(t.leaseDurationMs / 3, t.renewDeadlineMs - t.retryPeriodMs));
}

/**
 * Candidates of a watch-based election try to take an expired or released lease after a delay
 * drawn uniformly from [0, this): the M − 1 candidates all see the same expiry at about the same
 * time; the spread lets the first writer's update reach the others' watches before most of them
 * send a PUT that would only get 409 Conflict.
 */
export function takeoverJitterMs(t: Timings): number {
  return t.retryPeriodMs / 2;
}

/** Resolves `work`, or `'timeout'` after `ms` on `sleep` (which is cancelled either way). */
export async function raceDeadline<T>(
  work: Promise<T>,
  ms: number,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
): Promise<T | 'timeout'> {
  const timer = new AbortController();
  try {
    return await Promise.race([work, sleep(ms, timer.signal).then(() => 'timeout' as const)]);
  } finally {
    timer.abort();
  }
}
