import { JITTER_FACTOR } from './election-config.js';
import type { StrategySpec } from './election-strategy.js';
import { takeoverJitterMs } from './watch-timing.js';

type Timings = { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };

/** Documented worst cases of one strategy, in ms, before request and watch latency. */
export interface FailoverBounds {
  /** Holder killed (no release): until another node carries its services. */
  crashMs: number;
  /** Holder stopped with SIGTERM (leases released): until another node carries its services. */
  gracefulMs: number;
  /**
   * After a partitioned node's link comes back: how long two nodes may answer for one VIP. The
   * cut-off node stops carrying renewDeadline after its last good renewal, before anyone may
   * take over (leaseDuration after seeing it), so only the unbind's own latency remains.
   */
  partitionDualMs: number;
  /**
   * After a frozen (SIGSTOPped) holder resumes, how long it may keep answering beside the node
   * that took over (the freeze itself lasted longer than leaseDuration).
   */
  thawDualMs: number;
}

/**
 * The bounds announcer/README.md documents for each strategy (the unit and e2e tests hold the
 * strategies to them, plus latency):
 * - polling (per-service, sharded): a candidate sees the last renewal up to one candidate period
 *   (2.2 retryPeriod) late and tries again up to 2.2 retryPeriod after expiry: leaseDuration +
 *   4.4 retryPeriod; a released lease is taken at the next try: 2.2 retryPeriod.
 * - per-service-watch: candidates see the last renewal at once and try at expiry plus a jitter
 *   below retryPeriod / 2; a release likewise.
 * - node-lease: every node re-places the dead node's services at the expiry it observed; no
 *   request is needed, so a release moves them at once.
 */
export function failoverBoundMs(spec: StrategySpec, t: Timings): FailoverBounds {
  const candidatePeriodMs = (1 + JITTER_FACTOR) * t.retryPeriodMs;
  switch (spec.kind) {
    case 'per-service':
    case 'sharded':
      return {
        crashMs: t.leaseDurationMs + 2 * candidatePeriodMs,
        gracefulMs: candidatePeriodMs,
        partitionDualMs: 0,
        // client-go keeps leading until renewDeadline after the round that began at the thaw.
        thawDualMs: t.renewDeadlineMs + t.retryPeriodMs,
      };
    case 'per-service-watch':
      return {
        crashMs: t.leaseDurationMs + takeoverJitterMs(t),
        gracefulMs: takeoverJitterMs(t),
        partitionDualMs: 0,
        thawDualMs: 0,
      };
    case 'node-lease':
      return { crashMs: t.leaseDurationMs, gracefulMs: 0, partitionDualMs: 0, thawDualMs: 0 };
  }
}
