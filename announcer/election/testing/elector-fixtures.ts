import { FakeClock } from '../fake-clock.js';
import { type FakeLeaseClient, FakeLeaseStore } from '../fake-lease-store.js';
import { type AttemptResult, type ElectionConfig, LeaderElector, type RenewMode } from '../leader-elector.js';
import { seededRandom } from '../seeded-random.js';

/** LeaderElector test fixtures: Cilium's lease and timers, candidates on a fake store and clock. */
export const NS = 'kube-system';
export const LEASE = 'cilium-l2announce-default-echo';
export const LEASE_MS = 15_000;
export const DEADLINE_MS = 5_000;
export const RETRY_MS = 2_000;
export const MAX_CANDIDATE_PERIOD_MS = RETRY_MS * 2.2;
export const MODES: RenewMode[] = ['get-then-update', 'update-first'];

export function config(identity: string, renewMode: RenewMode = 'get-then-update'): ElectionConfig {
  return {
    namespace: NS,
    leaseName: LEASE,
    identity,
    leaseDurationMs: LEASE_MS,
    renewDeadlineMs: DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
    renewMode,
    labels: { 'l2bench.io/run': 'test' },
  };
}

export interface Candidate {
  elector: LeaderElector;
  client: FakeLeaseClient;
  started: number[];
  stopped: number[];
  attempts: { atMs: number; result: AttemptResult }[];
  newLeaders: string[];
  done: Promise<void>;
}

/** Starts an elector on `store` and records its events with fake-clock times (ms since t0). */
export function candidate(
  identity: string,
  store: FakeLeaseStore,
  clock: FakeClock,
  opts: {
    mode?: RenewMode;
    seed?: number;
    latencyMs?: () => number;
    onStart?: () => void;
    onStop?: () => void;
  } = {},
): Candidate {
  const t0 = T0;
  const client = store.client({ latencyMs: opts.latencyMs ?? 0 });
  const c: Omit<Candidate, 'elector' | 'done'> = {
    client,
    started: [],
    stopped: [],
    attempts: [],
    newLeaders: [],
  };
  const elector = new LeaderElector(
    config(identity, opts.mode),
    client,
    {
      onStartedLeading: () => {
        c.started.push(clock.now() - t0);
        opts.onStart?.();
      },
      onStoppedLeading: () => {
        c.stopped.push(clock.now() - t0);
        opts.onStop?.();
      },
      onNewLeader: (id) => c.newLeaders.push(id),
      onAttempt: (result) => c.attempts.push({ atMs: clock.now() - t0, result }),
    },
    clock,
    seededRandom(opts.seed ?? identity.charCodeAt(0)),
  );
  return { ...c, elector, done: elector.run() };
}

export const T0 = Date.UTC(2026, 10, 25, 3, 40, 0);

export function setup(): { clock: FakeClock; store: FakeLeaseStore } {
  const clock = new FakeClock(T0);
  return { clock, store: new FakeLeaseStore(clock) };
}
