import type { Clock } from './election/clock.js';
import { type ElectionConfig, type ElectionEvents, LeaderElector } from './election/leader-elector.js';
import type { LeaseClient } from './election/lease-client.js';

/** The part of a `LeaderElector` the agent and the IPAM operator drive; tests pass fakes. */
export type ElectorHandle = Pick<LeaderElector, 'run' | 'stop' | 'isLeader' | 'observedHolder'>;

/** Makes one elector per lease. */
export type ElectorFactory = (cfg: ElectionConfig, events: ElectionEvents) => ElectorHandle;

/** Real electors sharing one Lease client (one HTTP connection pool for every lease). */
export function leaderElectorFactory(client: LeaseClient, clock?: Clock): ElectorFactory {
  // LeaderElector validates the timings itself and throws a message naming them.
  return (cfg, events) => new LeaderElector(cfg, client, events, clock);
}
