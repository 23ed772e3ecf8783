import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type V1Node,
  type V1Service,
} from '@kubernetes/client-node';
import type { AgentConfig } from './config.js';
import type { DesiredVip, VipDataplane } from './dataplane/vip-dataplane.js';
import { type ElectionRef, type ElectionStrategy, formatStrategy } from './election/election-strategy.js';
import type { ElectorFactory, ElectorHandle } from './elector-factory.js';
import { ipamK8sApi } from './ipam/ipam-k8s-api.js';
import { IpamOperator } from './ipam/ipam-operator.js';
import { type LbIpPool, lbIpPoolResource } from './ipam/lb-ip-pool.js';
import { parsePools } from './ipam/pool-ranges.js';
import type { JsonLogger } from './json-logger.js';
import { WatchCache } from './k8s/watch-cache.js';
import type { AgentMetrics } from './metrics/agent-metrics.js';
import { type L2AnnouncementPolicy, l2AnnouncementPolicyResource } from './policy/l2-announcement-policy.js';
import { type Announcement, selectAnnouncements } from './policy/select-announcements.js';
import { electPerAddress } from './policy/shared-address.js';
import { settleWithin } from './settle-within.js';

/** Lease of the IPAM operator role, in `--lease-namespace`. */
export const ipamOperatorLease = 'l2bench-ipam-operator';

/** How often the agent re-reads interfaces and re-checks VIPs even without API changes. */
const resyncIntervalMs = 10_000;

/** Identity, timings and labels every election of this agent shares (the lease comes per election). */
export function electionBase(cfg: AgentConfig) {
  return {
    identity: cfg.nodeName,
    leaseDurationMs: cfg.leaseDurationMs,
    renewDeadlineMs: cfg.renewDeadlineMs,
    retryPeriodMs: cfg.retryPeriodMs,
    renewMode: cfg.renewMode,
    stepDown: cfg.stepDown,
    onApiOutage: cfg.onApiOutage,
    labels: { 'app.kubernetes.io/managed-by': 'l2bench-announcer' },
  };
}

/** What the agent is built from; `main.ts` makes the real ones. */
export interface AgentDeps {
  kc: KubeConfig;
  log: JsonLogger;
  metrics: AgentMetrics;
  dataplane: VipDataplane;
  /** For the IPAM operator's own lease (always a client-go style elector). */
  makeElector: ElectorFactory;
  /** Decides which services this node announces (`--strategy`). */
  strategy: ElectionStrategy;
}

/** One election: one service for most strategies, a shard's services for `sharded:K`. */
interface ManagedElector {
  ref: ElectionRef;
  members: Announcement[];
  handle: ElectorHandle;
  leading: boolean;
}

/**
 * The per-node announcer: watches Services, pools, policies and its own Node; runs one leader
 * election per service it should announce (started and stopped as that set changes); binds a
 * service's VIPs while it leads and unbinds them when it stops; optionally runs the IPAM
 * operator role. Construct, `start()`, and `stop()` on SIGTERM.
 */
export class Agent {
  private readonly services: WatchCache<V1Service>;
  private readonly pools: WatchCache<LbIpPool>;
  private readonly policies: WatchCache<L2AnnouncementPolicy>;
  private readonly node: WatchCache<V1Node>;
  private readonly electors = new Map<string, ManagedElector>();
  private readonly operator: IpamOperator | null = null;
  private reconcileQueued = false;
  private shuttingDown = false;
  private stopping: Promise<void> | null = null;
  private tick: NodeJS.Timeout | undefined;
  private announced = false;
  private lastProblems = '';
  private lastDataplane = '';
  private managedFingerprint = '';
  private warnedNoNode = false;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly deps: AgentDeps,
  ) {
    const { kc, log } = deps;
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const onChange = (): void => this.scheduleReconcile();
    const onError = (what: string) => (err: unknown, retryInMs: number) =>
      log.error(err, { msg: `watch ${what} failed; retrying in ${retryInMs} ms` });
    const crdList = (r: { group: string; version: string; plural: string }) => () =>
      custom.listClusterCustomObject({ group: r.group, version: r.version, plural: r.plural });

    this.services = new WatchCache<V1Service>(kc, {
      path: '/api/v1/services',
      list: () => core.listServiceForAllNamespaces(),
      onChange: () => {
        onChange();
        this.operator?.notify();
      },
      onError: onError('services'),
    });
    this.pools = new WatchCache<LbIpPool>(kc, {
      path: `/apis/${lbIpPoolResource.group}/${lbIpPoolResource.version}/${lbIpPoolResource.plural}`,
      list: crdList(lbIpPoolResource) as () => Promise<KubernetesListObject<LbIpPool>>,
      onChange: () => {
        onChange();
        this.operator?.notify();
      },
      onError: onError('pools'),
    });
    this.policies = new WatchCache<L2AnnouncementPolicy>(kc, {
      path: `/apis/${l2AnnouncementPolicyResource.group}/${l2AnnouncementPolicyResource.version}/${l2AnnouncementPolicyResource.plural}`,
      list: crdList(l2AnnouncementPolicyResource) as () => Promise<
        KubernetesListObject<L2AnnouncementPolicy>
      >,
      onChange,
      onError: onError('policies'),
    });
    const fieldSelector = `metadata.name=${cfg.nodeName}`;
    this.node = new WatchCache<V1Node>(kc, {
      path: '/api/v1/nodes',
      fieldSelector,
      list: () => core.listNode({ fieldSelector }),
      onChange,
      onError: onError('node'),
    });

    if (cfg.operator) {
      this.operator = new IpamOperator({
        api: ipamK8sApi({
          kc,
          node: cfg.nodeName,
          listPools: () => this.pools.list(),
          listServices: () => this.services.list(),
        }),
        makeElector: (events) =>
          deps.makeElector(this.electionConfig(cfg.leaseNamespace, ipamOperatorLease), events),
        log,
      });
    }
  }

  /** Health for `/healthz`: ready once Services, policies and the Node have been listed. */
  health(): { ok: boolean; reason?: string } {
    const caches = this.cfg.operatorOnly
      ? { services: this.services, pools: this.pools }
      : { services: this.services, policies: this.policies, node: this.node, pools: this.pools };
    const waiting = Object.entries(caches)
      .filter(([, c]) => !c.isSynced())
      .map(([name]) => name);
    if (this.shuttingDown) return { ok: false, reason: 'shutting down' };
    return waiting.length === 0 ? { ok: true } : { ok: false, reason: `waiting for ${waiting.join(', ')}` };
  }

  /** Reads the interfaces, starts the watches and the periodic resync. Throws if `ip` fails. */
  async start(): Promise<void> {
    const { log, dataplane } = this.deps;
    if (this.cfg.operatorOnly) {
      // Another implementation announces: watch what the operator needs, touch no interface.
      log.log('start', { msg: 'operator only: no elections, VIPs or ARP', interfaces: [] });
      for (const c of [this.services, this.pools]) c.start();
      this.operator?.start();
      return;
    }
    const snap = await dataplane.refresh();
    log.log('start', {
      msg: `strategy=${formatStrategy(this.deps.strategy.spec)} selection=${this.cfg.selection} renewMode=${this.cfg.renewMode} leaseNameStyle=${this.cfg.leaseNameStyle} operator=${this.cfg.operator}`,
      interfaces: snap.interfaces,
    });
    // A predecessor killed while leading (OOM, SIGKILL) left its VIPs bound, and the kernel keeps
    // answering ARP for them. This agent holds nothing yet, so every VIP it marked goes now, from
    // the interface alone: no API round trip, no wait for the first election.
    await dataplane
      .reconcile()
      .catch((err: unknown) => log.error(err, { msg: 'removing stale VIPs on start' }));
    for (const c of [this.services, this.pools, this.policies, this.node]) c.start();
    this.deps.strategy.start();
    this.operator?.start();
    if (this.cfg.operatorOnly) return;
    this.tick = setInterval(() => {
      dataplane
        .reconcile()
        .catch((err: unknown) => log.error(err, { msg: 'periodic dataplane reconcile' }))
        .finally(() => this.scheduleReconcile());
    }, resyncIntervalMs);
  }

  /**
   * Graceful shutdown within `budgetMs` even if the API server is unreachable: unbind every VIP
   * at once (before the releases land, so two nodes never answer for one VIP), stop every
   * elector releasing its lease (so a peer takes over at its next retry instead of waiting for
   * expiry), then stop the watches.
   */
  stop(budgetMs = 2500): Promise<void> {
    this.stopping ??= (async () => {
      const { log, dataplane } = this.deps;
      const deadline = Date.now() + budgetMs;
      this.shuttingDown = true;
      clearInterval(this.tick);
      const unbound = (this.cfg.operatorOnly ? Promise.resolve() : dataplane.unbindAll()).catch(
        (err: unknown) => log.error(err, { msg: 'unbind on shutdown' }),
      );
      // Release only once the VIPs are off: a released lease is taken at a peer's next retry,
      // which can come before a long unbind (one `ip addr del` per VIP) ends — two nodes answering.
      await settleWithin(unbound, (deadline - Date.now()) * 0.4);
      const stops = [...this.electors.values()].map((e) => e.handle.stop({ release: true }));
      if (this.operator) stops.push(this.operator.stop());
      // The strategy's shared machinery goes after its electors (node-lease releases the node lease).
      const strategyStopped = Promise.allSettled(stops).then(() =>
        this.deps.strategy
          .stop({ release: true })
          .catch((err: unknown) => log.error(err, { msg: 'strategy stop' })),
      );
      const { settled: released } = await settleWithin(strategyStopped, (deadline - Date.now()) * 0.8);
      if (!released) log.log('warn', { msg: 'lease release timed out; leases will expire instead' });
      await settleWithin(unbound, deadline - Date.now() - 100);
      await settleWithin(
        Promise.allSettled([this.services, this.pools, this.policies, this.node].map((c) => c.stop())),
        Math.min(100, deadline - Date.now()),
      );
      log.log('stop', {
        msg: released ? 'stopped' : 'stopped (leases not confirmed released)',
      });
    })();
    return this.stopping;
  }

  private electionConfig(namespace: string, leaseName: string) {
    return { ...electionBase(this.cfg), namespace, leaseName };
  }

  private scheduleReconcile(): void {
    if (this.reconcileQueued || this.shuttingDown || this.cfg.operatorOnly) return;
    this.reconcileQueued = true;
    // Coalesces a burst of watch events (a relist delivers hundreds) into one pass.
    setImmediate(() => {
      this.reconcileQueued = false;
      try {
        this.reconcile();
      } catch (err) {
        this.deps.log.error(err, { msg: 'reconcile' });
      }
    });
  }

  private reconcile(): void {
    if (this.shuttingDown || this.cfg.operatorOnly) return;
    const { log, dataplane } = this.deps;
    if (this.pools.isSynced()) {
      const ranges = parsePools(this.pools.list()).flatMap((p) => p.blocks);
      dataplane.setManagedRanges(ranges);
      this.managedFingerprint = ranges.map((r) => `${r.first}-${r.last}`).join(',');
    }
    if (!this.services.isSynced() || !this.policies.isSynced() || !this.node.isSynced()) return;
    if (!this.announced) {
      this.announced = true;
      log.log('ready', { msg: 'caches synced; electing' });
    }
    const node = this.node.list().find((n) => n.metadata?.name === this.cfg.nodeName);
    if (!node && !this.warnedNoNode) {
      this.warnedNoNode = true;
      log.log('warn', {
        msg: `Node ${this.cfg.nodeName} does not exist; policies with a nodeSelector skip this node`,
      });
    }
    const selected = selectAnnouncements({
      services: this.services.list(),
      policies: this.policies.list(),
      nodeLabels: node?.metadata?.labels ?? {},
      interfaces: dataplane.interfaces(),
      selection: this.cfg.selection,
      leaseNameStyle: this.cfg.leaseNameStyle,
      leaseNamespace: this.cfg.leaseNamespace,
    });
    const plan =
      this.cfg.sharedAddressElection === 'per-address'
        ? { ...selected, announcements: electPerAddress(selected.announcements) }
        : selected;
    const problems = plan.problems.join('; ');
    if (problems !== this.lastProblems && problems !== '') log.log('warn', { msg: problems });
    this.lastProblems = problems;

    const { strategy } = this.deps;
    strategy.update(plan);
    // One election per service, except sharded:K, whose elections cover a bucket of services, and
    // services sharing one address under per-address election.
    const shared = strategy.spec.kind === 'sharded';
    const wanted = new Map<string, { ref: ElectionRef; members: Announcement[] }>();
    for (const a of plan.announcements) {
      const ref = strategy.electionFor(a);
      const group = wanted.get(ref.key);
      if (!group) wanted.set(ref.key, { ref, members: [a] });
      else if (shared || (a.electAs !== undefined && a.electAs === group.members[0]?.electAs))
        group.members.push(a);
      else
        log.log('warn', {
          lease: a.lease.name,
          msg: `services ${group.members[0]?.service} and ${a.service} map to the same lease; announcing ${group.members[0]?.service}`,
        });
    }
    for (const [key, e] of this.electors) if (!wanted.has(key)) this.retire(key, e);
    for (const [key, g] of wanted) {
      const e = this.electors.get(key);
      if (e) this.updateMembers(e, g.members);
      else this.elect(key, g.ref, g.members);
    }
    this.syncDataplane();
  }

  /** Log fields of one member of an election. */
  private fields(e: { ref: ElectionRef }, a: Announcement) {
    return { lease: e.ref.lease.name, leaseNamespace: e.ref.lease.namespace, service: a.service };
  }

  private memberEvent(event: 'acquire' | 'lose', e: ManagedElector, members: readonly Announcement[]): void {
    for (const a of members)
      this.deps.log.log(event, {
        ...this.fields(e, a),
        vip: a.vips[0] ?? null,
        vips: a.vips,
        iface: a.iface,
      });
  }

  /** A shard's services changed: report joins and leaves as acquire/lose while it leads. */
  private updateMembers(e: ManagedElector, members: Announcement[]): void {
    const before = new Set(e.members.map((a) => a.service));
    const after = new Set(members.map((a) => a.service));
    if (e.leading) {
      this.memberEvent(
        'lose',
        e,
        e.members.filter((a) => !after.has(a.service)),
      );
      this.memberEvent(
        'acquire',
        e,
        members.filter((a) => !before.has(a.service)),
      );
    }
    e.members = members;
  }

  private elect(key: string, ref: ElectionRef, members: Announcement[]): void {
    const { log, metrics, strategy } = this.deps;
    const first = { ref, members };
    const fields = this.fields(first, members[0]!);
    let entry: ManagedElector;
    try {
      entry = {
        ref,
        members,
        leading: false,
        handle: strategy.makeElector(ref, () => entry.members, {
          onStartedLeading: () => {
            entry.leading = true;
            metrics.leaseAcquisitions.inc();
            metrics.leasesHeld.inc();
            this.memberEvent('acquire', entry, entry.members);
            this.syncDataplane();
          },
          onStoppedLeading: () => {
            if (!entry.leading) return;
            entry.leading = false;
            metrics.leaseTransitions.inc();
            metrics.leasesHeld.dec();
            this.memberEvent('lose', entry, entry.members);
            this.syncDataplane();
          },
          onNewLeader: (holder) => {
            if (holder !== this.cfg.nodeName)
              for (const a of entry.members) log.log('leader', { ...this.fields(entry, a), holder });
          },
          onAttempt: (result, latencyMs) => {
            if (result === 'renewed') metrics.renewLatency.observe(latencyMs / 1000);
            else if ((result === 'error' || result === 'conflict') && entry.leading)
              metrics.renewFailures.inc();
          },
        }),
      };
    } catch (err) {
      log.error(err, { ...fields, msg: 'cannot start election' });
      return;
    }
    this.electors.set(key, entry);
    for (const a of members)
      log.log('elect', { ...this.fields(entry, a), vip: a.vips[0] ?? null, vips: a.vips, iface: a.iface });
    entry.handle
      .run()
      .catch((err: unknown) => log.error(err, { ...fields, msg: 'election stopped with an error' }));
  }

  /** Stops campaigning for an election; its VIPs go first so no two nodes ever answer for them. */
  private retire(key: string, e: ManagedElector): void {
    const { log } = this.deps;
    const fields = this.fields(e, e.members[0]!);
    this.electors.delete(key);
    this.syncDataplane();
    for (const a of e.members) log.log('retire', this.fields(e, a));
    e.handle
      .stop({ release: true })
      .catch((err: unknown) => log.error(err, { ...fields, msg: 'releasing lease' }))
      .finally(() => {
        // An elector that did not report losing on stop still lost: keep the metrics honest.
        if (e.leading) {
          e.leading = false;
          this.deps.metrics.leaseTransitions.inc();
          this.deps.metrics.leasesHeld.dec();
          this.memberEvent('lose', e, e.members);
        }
      });
  }

  /** Pushes the leading electors' VIPs to the dataplane (only when they changed). */
  private syncDataplane(): void {
    if (this.shuttingDown) return;
    const { dataplane, log } = this.deps;
    const desired = new Map<string, DesiredVip>();
    for (const e of this.electors.values()) {
      if (!e.leading) continue;
      for (const a of e.members)
        for (const vip of a.vips)
          if (!desired.has(vip)) desired.set(vip, { iface: a.iface, ...this.fields(e, a) });
    }
    // The pools' ranges are in it so a new pool's stale VIPs are swept without waiting for the tick.
    const fingerprint = JSON.stringify([[...desired].map(([v, d]) => [v, d.iface]), this.managedFingerprint]);
    dataplane.setDesired(desired);
    if (fingerprint === this.lastDataplane) return;
    this.lastDataplane = fingerprint;
    dataplane.reconcile().catch((err: unknown) => log.error(err, { msg: 'dataplane reconcile' }));
  }
}
