import type { ElectorHandle } from '../elector-factory.js';
import type { LeaseRef } from '../policy/lease-name.js';
import type { Announcement, AnnouncementPlan } from '../policy/select-announcements.js';
import { type Clock, systemClock } from './clock.js';
import type { ElectionConfig } from './election-config.js';
import { type ElectionEvents, LeaderElector } from './leader-elector.js';
import type { LeaseClient } from './lease-client.js';
import { LeaseInformer } from './lease-informer.js';
import type { LeaseWatchApi } from './lease-watch.js';
import { NodeLeaseServiceElector } from './node-lease-elector.js';
import { NODE_LEASE_LABEL, NodeLeasePlacement, nodeLeaseName } from './node-lease-placement.js';
import { shardLeaseName, shardOf } from './placement-hash.js';
import { WatchLeaseElector } from './watch-lease-elector.js';

/** Which election strategy the agent runs (`--strategy`). */
export type StrategySpec =
  | { kind: 'per-service' }
  | { kind: 'per-service-watch' }
  | { kind: 'sharded'; shards: number }
  | { kind: 'node-lease' };

/** Label on per-service leases in `per-service-watch`; the candidates' one watch selects on it. */
export const ANNOUNCE_LEASE_LABEL = 'l2bench.io/announce-lease';

/** Most shards `sharded:K` accepts. */
export const MAX_SHARDS = 4096;

/** `per-service`, `per-service-watch`, `sharded:K` (1 ≤ K ≤ 4096) or `node-lease`; null otherwise. */
export function parseStrategy(text: string): StrategySpec | null {
  if (text === 'per-service' || text === 'per-service-watch' || text === 'node-lease') return { kind: text };
  const m = /^sharded:([1-9]\d*)$/.exec(text);
  const shards = m ? Number(m[1]) : Number.NaN;
  return shards >= 1 && shards <= MAX_SHARDS ? { kind: 'sharded', shards } : null;
}

/** The flag value of a strategy. */
export function formatStrategy(spec: StrategySpec): string {
  return spec.kind === 'sharded' ? `sharded:${spec.shards}` : spec.kind;
}

/** The election that decides whether this node announces a service. */
export interface ElectionRef {
  /** Unique per election in this process; several announcements may share one (sharded). */
  key: string;
  /** The lease that election writes (for node-lease: this node's own lease). */
  lease: LeaseRef;
}

/**
 * An election strategy: every one decides, per announced service, whether this node binds its
 * VIPs; the data plane is the agent's and the same for all. The agent groups its announcements by
 * {@link electionFor}, runs one elector per group from {@link makeElector}, binds a group's VIPs
 * while its elector leads, and calls {@link update} with its plan on every reconcile.
 */
export interface ElectionStrategy {
  readonly spec: StrategySpec;
  electionFor(a: Announcement): ElectionRef;
  /** An elector for one election; `members()` are the announcements it decides right now. */
  makeElector(
    ref: ElectionRef,
    members: () => readonly Announcement[],
    events: ElectionEvents,
  ): ElectorHandle;
  update(plan: AnnouncementPlan): void;
  /** Starts shared machinery (watches, the node lease). */
  start(): void;
  /** Stops shared machinery, after the agent stopped every elector. */
  stop(opts: { release: boolean }): Promise<void>;
}

/** What a strategy is built from. */
export interface StrategyDeps {
  spec: StrategySpec;
  /** Identity, timings, renew mode, and the labels for leases this node creates; no lease name. */
  base: Omit<ElectionConfig, 'namespace' | 'leaseName'>;
  /** Namespace of shard, node and (for per-service-watch) service leases. */
  leaseNamespace: string;
  client: LeaseClient;
  watchApi: LeaseWatchApi;
  clock?: Clock;
  random?: () => number;
}

const refOf = (lease: LeaseRef): ElectionRef => ({ key: `${lease.namespace}/${lease.name}`, lease });

/** Builds the strategy `deps.spec` names. */
export function makeStrategy(deps: StrategyDeps): ElectionStrategy {
  const { spec, base, leaseNamespace, client, clock = systemClock, random = Math.random } = deps;
  const polling = (ref: ElectionRef, events: ElectionEvents): ElectorHandle =>
    new LeaderElector(
      { ...base, namespace: ref.lease.namespace, leaseName: ref.lease.name },
      client,
      events,
      clock,
      random,
    );
  const idle = { update: () => {}, start: () => {}, stop: async () => {} };

  switch (spec.kind) {
    case 'per-service':
      return {
        spec,
        ...idle,
        electionFor: (a) => refOf(a.lease),
        makeElector: (ref, _members, events) => polling(ref, events),
      };
    case 'sharded':
      return {
        spec,
        ...idle,
        electionFor: (a) =>
          refOf({
            namespace: leaseNamespace,
            name: shardLeaseName(shardOf(a.electAs ?? a.service, spec.shards), spec.shards),
          }),
        makeElector: (ref, _members, events) => polling(ref, events),
      };
    case 'per-service-watch': {
      const informer = new LeaseInformer(deps.watchApi, clock, {
        namespace: leaseNamespace,
        labelSelector: `${ANNOUNCE_LEASE_LABEL}=true`,
        retryMs: base.retryPeriodMs,
      });
      return {
        spec,
        electionFor: (a) => refOf({ namespace: leaseNamespace, name: a.lease.name }),
        makeElector: (ref, _members, events) =>
          new WatchLeaseElector(
            { ...base, namespace: ref.lease.namespace, leaseName: ref.lease.name },
            client,
            informer,
            events,
            { watchLabels: { ...base.labels, [ANNOUNCE_LEASE_LABEL]: 'true' } },
            clock,
            random,
          ),
        update: () => {},
        start: () => informer.start(),
        stop: async () => informer.stop(),
      };
    }
    case 'node-lease': {
      const informer = new LeaseInformer(deps.watchApi, clock, {
        namespace: leaseNamespace,
        labelSelector: `${NODE_LEASE_LABEL}=true`,
        retryMs: base.retryPeriodMs,
      });
      const placement = new NodeLeasePlacement({
        cfg: { ...base, namespace: leaseNamespace },
        client,
        informer,
        clock,
        random,
        labels: base.labels,
      });
      const lease = { namespace: leaseNamespace, name: nodeLeaseName(base.identity) };
      return {
        spec,
        electionFor: (a) => ({ key: `node-lease/${a.electAs ?? a.service}`, lease }),
        makeElector: (ref, members, events) =>
          new NodeLeaseServiceElector(
            placement,
            ref.key.slice('node-lease/'.length),
            () => members()[0]?.selectingPolicies ?? [],
            events,
          ),
        update: (plan) => placement.setPolicies(plan.applicablePolicies),
        start: () => placement.start(),
        stop: (opts) => placement.stop(opts),
      };
    }
  }
}
