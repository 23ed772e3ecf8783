import { watchRenewIntervalMs } from '../../announcer/election/watch-timing.js';
import type { Scenario } from './scenario-schema.js';

/**
 * How often a holder writes each Lease under the scenario's strategy: every retryPeriod
 * (per-service and sharded, as client-go), or every watch renew interval (per-service-watch,
 * node-lease).
 */
export function renewPeriodMs(s: Scenario): number {
  const a = s.announcer;
  const kind = a.strategy.kind;
  return kind === 'per-service' || kind === 'sharded' ? a.retryPeriodMs : watchRenewIntervalMs(a);
}

/**
 * A note when a measurement window is not a whole number of renew periods, else null. Leases
 * elected together renew in phase (every agent starts at once), so a window of 60 s over a 45 s
 * period holds one renewal burst or two, and the measured rate of writes swings by up to one
 * period's worth (here ±75%) around the true one, whatever the repetitions. Found on the
 * strategies-200x25 run of 2026-12-02 (per-service-watch: 6.2 PUT/s measured against 4.4).
 */
export function windowAliasingNote(s: Scenario): string | null {
  const periodMs = renewPeriodMs(s);
  const windowMs = s.measurement.windowSeconds * 1000;
  const cycles = windowMs / periodMs;
  if (Math.abs(cycles - Math.round(cycles)) < 1e-6) return null;
  return `measurement.windowSeconds (${s.measurement.windowSeconds}s) is not a whole multiple of the renew period (${periodMs / 1000}s): leases renewed in phase make write rates alias by up to ${Math.round((100 * periodMs) / windowMs)}%; use a window of ${(Math.max(1, Math.round(cycles)) * periodMs) / 1000}s`;
}

/**
 * The window `--quick` uses: `seconds` rounded up to a whole number of renew periods, so a short
 * window does not alias (see {@link windowAliasingNote}).
 */
export function wholeRenewPeriods(seconds: number, s: Scenario): number {
  const period = renewPeriodMs(s) / 1000;
  return Math.ceil(seconds / period - 1e-9) * period;
}
