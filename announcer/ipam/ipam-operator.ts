import type { V1Service } from '@kubernetes/client-node';
import type { ElectionEvents } from '../election/leader-elector.js';
import type { ElectorHandle } from '../elector-factory.js';
import type { JsonLogger } from '../json-logger.js';
import { ingressIps, serviceKey } from '../k8s/service-fields.js';
import { type LbIpPool, lbIpPoolResource, type PoolCondition } from './lb-ip-pool.js';
import { planAllocations, type ServiceOutcome } from './plan-allocations.js';
import { desiredPoolConditions, mergePoolConditions } from './pool-conditions.js';

/** Event reasons the operator emits (core/v1 Events on the service or the pool). */
export type IpamEventReason =
  | 'IPAllocated'
  | 'IPReleased'
  | 'PoolExhausted'
  | 'AddressConflict'
  | 'MalformedPool'
  | 'NoPool'
  | 'InvalidRequest';

/** An Event to record against a service or a pool. */
export interface IpamEvent {
  object: { kind: string; apiVersion: string; name: string; namespace?: string; uid?: string };
  type: 'Normal' | 'Warning';
  reason: IpamEventReason;
  message: string;
}

/** What the operator reads and writes; the agent backs it with informer caches and API calls. */
export interface IpamOperatorApi {
  listPools(): readonly LbIpPool[];
  listServices(): readonly V1Service[];
  /** Sets `status.loadBalancer.ingress` through the status subresource; `[]` clears it. */
  patchServiceIngress(namespace: string, name: string, ips: readonly string[]): Promise<void>;
  /** Replaces `status.conditions` of a pool through its status subresource. */
  patchPoolConditions(name: string, conditions: PoolCondition[]): Promise<void>;
  emitEvent(event: IpamEvent): Promise<void>;
}

/** Options for {@link IpamOperator}. */
export interface IpamOperatorOptions {
  api: IpamOperatorApi;
  /** Builds the elector for the operator lease (`l2bench-ipam-operator`). */
  makeElector: (events: ElectionEvents) => ElectorHandle;
  log: JsonLogger;
  now?: () => number;
  /** Delay before retrying a reconcile that failed (API error). */
  retryDelayMs?: number;
}

const pendingReason: Record<'exhausted' | 'no-pool' | 'conflict' | 'invalid-request', IpamEventReason> = {
  exhausted: 'PoolExhausted',
  'no-pool': 'NoPool',
  conflict: 'AddressConflict',
  'invalid-request': 'InvalidRequest',
};

/**
 * The leader-elected LB IPAM role (Cilium's operator does this): plans addresses for every
 * LoadBalancer service, writes them to the services' status, keeps pool conditions current and
 * records Events. It reconciles only while it holds the operator lease, so with `--operator`
 * on several nodes exactly one writes.
 */
export class IpamOperator {
  private readonly elector: ElectorHandle;
  private readonly now: () => number;
  private readonly retryDelayMs: number;
  private leading = false;
  private dirty = false;
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Addresses written but perhaps not yet echoed by the watch, by service key. */
  private readonly written = new Map<string, string[]>();
  /** Last Event (reason + message) per object, so a re-plan does not repeat it. */
  private readonly lastEvent = new Map<string, string>();
  /** Last conditions written per pool, so a re-plan before the echo does not rewrite them. */
  private readonly poolWritten = new Map<string, string>();

  constructor(private readonly opts: IpamOperatorOptions) {
    this.now = opts.now ?? Date.now;
    this.retryDelayMs = opts.retryDelayMs ?? 1000;
    this.elector = opts.makeElector({
      onStartedLeading: () => {
        this.leading = true;
        opts.log.log('ipam', { msg: 'operator lease acquired: allocating' });
        this.notify();
      },
      onStoppedLeading: () => {
        this.leading = false;
        // Another operator may have written since; start from what the API shows.
        this.written.clear();
        this.lastEvent.clear();
        this.poolWritten.clear();
        opts.log.log('ipam', { msg: 'operator lease lost: idle' });
      },
    });
  }

  /** Starts campaigning for the operator lease. */
  start(): void {
    this.elector.run().catch((err: unknown) => this.opts.log.error(err, { msg: 'ipam operator election' }));
  }

  /** Stops reconciling and releases the operator lease. */
  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.leading = false;
    await this.elector.stop({ release: true });
  }

  /** Whether this replica is the active operator. */
  isLeading(): boolean {
    return this.leading;
  }

  /** Pools or services changed: reconcile soon (coalesced; only while leading). */
  notify(): void {
    this.dirty = true;
    if (!this.leading || this.running) return;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no reconcile is in flight (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.dirty && this.leading) {
      this.dirty = false;
      try {
        await this.reconcileOnce();
      } catch (err) {
        this.opts.log.error(err, { msg: 'ipam reconcile failed; retrying' });
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.notify(), this.retryDelayMs);
        return;
      }
    }
  }

  /** One full pass: plan, then write whatever differs from what the API shows. */
  async reconcileOnce(): Promise<void> {
    const { api } = this.opts;
    const services = api.listServices();
    const pools = api.listPools();
    const byKey = new Map(services.map((s) => [serviceKey(s), s]));
    for (const key of this.written.keys()) if (!byKey.has(key)) this.written.delete(key);

    const plan = planAllocations({ pools, services, previous: this.written });
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    };

    for (const outcome of plan.services) {
      const svc = byKey.get(outcome.key);
      if (svc) await attempt(() => this.applyServiceOutcome(svc, outcome));
    }
    for (const usage of plan.pools) {
      const { pool } = usage;
      const name = pool.name;
      await attempt(async () => {
        const desired = desiredPoolConditions(usage);
        const generation = pool.pool.metadata?.generation;
        const merged = mergePoolConditions(
          pool.pool.status?.conditions,
          desired,
          new Date(this.now()).toISOString(),
          generation,
        );
        const fingerprint = JSON.stringify([desired, generation]);
        if (!merged.changed) this.poolWritten.delete(name);
        else if (this.poolWritten.get(name) !== fingerprint) {
          await api.patchPoolConditions(name, merged.conditions);
          this.poolWritten.set(name, fingerprint);
        }
      });
      if (pool.problem) {
        const reason = pool.problem.kind === 'malformed' ? 'MalformedPool' : 'AddressConflict';
        await attempt(() => this.event(poolRef(pool.pool), 'Warning', reason, pool.problem?.message ?? ''));
      } else {
        this.lastEvent.delete(`pool/${name}`);
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `ipam: ${errors.length} write(s) failed, first: ${describe(errors[0])}`,
      );
    }
  }

  private async applyServiceOutcome(svc: V1Service, outcome: ServiceOutcome): Promise<void> {
    const ns = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    const ref = serviceRef(svc);
    const { api, log } = this.opts;
    switch (outcome.kind) {
      case 'assigned':
        if (!outcome.changed) {
          this.written.delete(outcome.key);
          return;
        }
        // Written already, waiting for the watch to echo it.
        if (sameIps(this.written.get(outcome.key), outcome.ips)) return;
        await api.patchServiceIngress(ns, name, outcome.ips);
        this.written.set(outcome.key, outcome.ips);
        log.log('ipam', {
          service: outcome.key,
          vip: outcome.ips[0] ?? null,
          msg: `allocated ${outcome.ips.join(', ')}`,
        });
        await this.event(
          ref,
          'Normal',
          'IPAllocated',
          `allocated ${outcome.ips.join(', ')} from pool ${outcome.pools.join(', ')}`,
        );
        return;
      case 'pending':
        this.written.delete(outcome.key);
        // An address the service can no longer keep (pool deleted, now conflicting) is withdrawn.
        if (ingressIps(svc).length > 0) await api.patchServiceIngress(ns, name, []);
        await this.event(ref, 'Warning', pendingReason[outcome.reason], outcome.message);
        if (outcome.reason === 'exhausted') {
          for (const poolName of outcome.pools) {
            const pool = api.listPools().find((p) => p.metadata?.name === poolName);
            if (pool)
              await this.event(
                poolRef(pool),
                'Warning',
                'PoolExhausted',
                `no free address for service ${outcome.key}`,
              );
          }
        }
        return;
      case 'release':
        this.written.delete(outcome.key);
        await api.patchServiceIngress(ns, name, []);
        await this.event(
          ref,
          'Normal',
          'IPReleased',
          `released ${outcome.ips.join(', ')}: not a LoadBalancer service`,
        );
        return;
    }
  }

  private async event(
    object: IpamEvent['object'],
    type: IpamEvent['type'],
    reason: IpamEventReason,
    message: string,
  ): Promise<void> {
    const key = `${object.kind}/${object.namespace ?? ''}/${object.name}`;
    const fingerprint = `${reason}\n${message}`;
    if (this.lastEvent.get(key) === fingerprint) return;
    await this.opts.api.emitEvent({ object, type, reason, message });
    this.lastEvent.set(key, fingerprint);
  }
}

function serviceRef(svc: V1Service): IpamEvent['object'] {
  return {
    kind: 'Service',
    apiVersion: 'v1',
    name: svc.metadata?.name ?? '',
    namespace: svc.metadata?.namespace ?? '',
    ...(svc.metadata?.uid ? { uid: svc.metadata.uid } : {}),
  };
}

function poolRef(pool: LbIpPool): IpamEvent['object'] {
  return {
    kind: lbIpPoolResource.kind,
    apiVersion: `${lbIpPoolResource.group}/${lbIpPoolResource.version}`,
    name: pool.metadata?.name ?? '',
    ...(pool.metadata?.uid ? { uid: pool.metadata.uid } : {}),
  };
}

function sameIps(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((ip) => b.includes(ip));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
