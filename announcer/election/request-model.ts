import { JITTER_FACTOR, type RenewMode } from './election-config.js';
import type { StrategySpec } from './election-strategy.js';
import { watchRenewIntervalMs } from './watch-timing.js';

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

/** Inputs of {@link strategyRequestsPerSecond}. */
export interface StrategyModelInput {
  strategy: StrategySpec;
  /** Announced services (N). */
  services: number;
  /** Nodes eligible for every service (M); they all run the election. */
  candidates: number;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Holders of polling strategies (per-service, sharded); watch-based holders always bare-PUT. */
  renewMode: RenewMode;
}

/** Lease requests per second at the API server, by verb. */
export interface StrategyRates {
  get: number;
  update: number;
  create: number;
  list: number;
  watch: number;
}

/**
 * Mean life of a watch the client opens without `timeoutSeconds`: kube-apiserver ends it after a
 * random time in [minRequestTimeout, 2 × minRequestTimeout] (default 1800 s), and the informer
 * resumes it with one WATCH (no LIST) from the last resourceVersion.
 */
export const MEAN_WATCH_LIFETIME_SECONDS = 2700;

/** Expected number of the K buckets that receive at least one of N services (uniform hash). */
export function occupiedShards(services: number, shards: number): number {
  if (services <= 0 || shards <= 0) return 0;
  return shards * (1 - (1 - 1 / shards) ** services);
}

/**
 * Steady-state lease requests per second of each strategy (every lease has a live holder):
 * - `per-service`: {@link expectedRequestsPerSecond} over N leases.
 * - `sharded:K`: the same over the occupied buckets (K when N ≫ K).
 * - `per-service-watch`: one bare PUT per lease every {@link watchRenewIntervalMs}; candidates
 *   read nothing (their one watch each delivers the writes).
 * - `node-lease`: one bare PUT per node every watchRenewIntervalMs: N does not appear.
 * The watch strategies' M watches are resumed about every {@link MEAN_WATCH_LIFETIME_SECONDS}.
 * Creates, the initial LISTs and takeover writes are one-off and left out.
 */
export function strategyRequestsPerSecond(input: StrategyModelInput): StrategyRates {
  const { strategy, services, candidates, retryPeriodMs, renewMode } = input;
  const none: StrategyRates = { get: 0, update: 0, create: 0, list: 0, watch: 0 };
  if (services <= 0 || candidates <= 0) return none;
  const watches = candidates / MEAN_WATCH_LIFETIME_SECONDS;
  const renewPerSecond = 1000 / watchRenewIntervalMs(input);
  switch (strategy.kind) {
    case 'per-service':
    case 'sharded': {
      const leases = strategy.kind === 'sharded' ? occupiedShards(services, strategy.shards) : services;
      const r = expectedRequestsPerSecond({ services: leases, candidates, retryPeriodMs, renewMode });
      return { ...none, get: r.get, update: r.update };
    }
    case 'per-service-watch':
      return { ...none, update: services * renewPerSecond, watch: watches };
    case 'node-lease':
      return { ...none, update: candidates * renewPerSecond, watch: watches };
  }
}

/** Sum of all verbs. */
export function totalRequestsPerSecond(r: StrategyRates): number {
  return r.get + r.update + r.create + r.list + r.watch;
}
