import { JITTER_FACTOR, type RenewMode } from './election-config.js';

/** Inputs of the steady-state request model. */
export interface RequestModelInput {
  /** Leases (one per announced service). */
  services: number;
  /** Electors competing for each lease, the holder included. */
  candidates: number;
  retryPeriodMs: number;
  renewMode: RenewMode;
}

/** Lease requests per second across all services. */
export interface RequestRates {
  get: number;
  update: number;
}

/**
 * Mean candidate period as a multiple of retryPeriod: the jitter multiplier is uniform on
 * [1, 1 + JITTER_FACTOR], so its mean is 1 + JITTER_FACTOR / 2 = 1.6.
 */
export const MEAN_CANDIDATE_PERIOD_FACTOR = 1 + JITTER_FACTOR / 2;

/**
 * Steady-state Lease request rates when every lease has a live holder. Per lease and retry
 * period the holder sends one PUT, preceded by a GET in `'get-then-update'` mode (none in
 * `'update-first'`, whose optimistic PUT succeeds while nobody else writes); each of the other
 * `candidates - 1` electors sends one GET per mean jittered period, retryPeriod × 1.6.
 * Ignores request latency (it lengthens every period slightly) and takeovers.
 */
export function expectedRequestsPerSecond(input: RequestModelInput): RequestRates {
  const { services, candidates, retryPeriodMs, renewMode } = input;
  if (services <= 0 || candidates <= 0) return { get: 0, update: 0 };
  const holderPerSecond = 1000 / retryPeriodMs;
  const candidatePerSecond = 1000 / (retryPeriodMs * MEAN_CANDIDATE_PERIOD_FACTOR);
  const holderGets = renewMode === 'get-then-update' ? holderPerSecond : 0;
  return {
    get: services * (holderGets + (candidates - 1) * candidatePerSecond),
    update: services * holderPerSecond,
  };
}
