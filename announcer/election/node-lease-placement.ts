import { type Clock, systemClock } from './clock.js';
import type { ElectionConfig } from './election-config.js';
import type { LeaseClient } from './lease-client.js';
import type { LeaseInformer } from './lease-informer.js';
import { rendezvousOwner } from './placement-hash.js';
import { WatchLeaseElector } from './watch-lease-elector.js';
import { watchRenewIntervalMs } from './watch-timing.js';

/** Label on every node lease; the strategy's one watch selects on it. */
export const NODE_LEASE_LABEL = 'l2bench.io/node-lease';
/** Annotation of a node lease: the policies that apply to its node, comma-separated, sorted. */
export const NODE_POLICIES_ANNOTATION = 'l2bench.io/policies';

/** The node lease of `node`. */
export function nodeLeaseName(node: string): string {
  return `l2bench-node-${node}`;
}

/** Options for {@link NodeLeasePlacement}. */
export interface NodeLeasePlacementOptions {
  /** This node's identity and timings; `leaseName` is ignored (always {@link nodeLeaseName}). */
  cfg: Omit<ElectionConfig, 'leaseName'>;
  client: LeaseClient;
  /** Watches `namespace` for `${NODE_LEASE_LABEL}=true`; started and stopped by this object. */
  informer: LeaseInformer;
  clock?: Clock;
  random?: () => number;
  /** Extra labels for this node's lease (e.g. managed-by). */
  labels?: Record<string, string>;
}

/**
 * The `node-lease` strategy's shared state: this node renews one Lease of its own; every node
 * watches all of them; each service is carried by the live node that wins rendezvous hashing
 * among those whose published policies select it. The API cost depends on M alone.
 *
 * Rules (every judgement on this process's clock):
 * - A node is live while its lease names it and `observedAt + leaseDurationSeconds` lies after
 *   `min(now, lastHeard + renewInterval)`, lastHeard being the last time the watch delivered
 *   anything: this node's own renewals echo at least every renewInterval while the watch works,
 *   so a dead watch freezes the picture instead of expiring every other node (it would take
 *   leaseDuration ≤ 2 × renewInterval, which {@link watchRenewIntervalMs} rules out).
 * - This node is *ready* only while its own renewal succeeded within renewDeadline (the
 *   {@link WatchLeaseElector}'s rule) and the watch has echoed one of its renewals made within
 *   renewDeadline. Not ready: it carries nothing, so a node cut off from the API server drops its
 *   VIPs at most renewDeadline after its last good renewal, while the others wait leaseDuration
 *   from when they saw it. A watch that stopped echoing is relisted.
 * - A service whose previous owner (the winner without this node) is live is taken only
 *   retryPeriod after this node became ready, so the previous owner has seen the new lease on its
 *   own watch and dropped the VIP first: a rejoining node causes no dual answering.
 */
export class NodeLeasePlacement {
  readonly #opts: NodeLeasePlacementOptions;
  readonly #clock: Clock;
  readonly #leaseName: string;
  readonly #renewEveryMs: number;
  readonly #listeners = new Set<() => void>();
  #elector: WatchLeaseElector | null = null;
  #policies = '';
  #readySinceMs: number | null = null;
  #leadingSinceMs = Number.POSITIVE_INFINITY;
  #stop = new AbortController();
  #wake = new AbortController();
  #loop: Promise<void> | null = null;
  #unsubscribe: () => void = () => {};

  constructor(opts: NodeLeasePlacementOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#leaseName = nodeLeaseName(opts.cfg.identity);
    this.#renewEveryMs = watchRenewIntervalMs(opts.cfg);
  }

  get identity(): string {
    return this.#opts.cfg.identity;
  }

  get leaseName(): string {
    return this.#leaseName;
  }

  /** Starts the watch and the placement loop (the node lease starts with the first policies). */
  start(): void {
    if (this.#loop !== null) return;
    this.#opts.informer.start();
    this.#unsubscribe = this.#opts.informer.subscribe(() => this.#wake.abort());
    this.#loop = this.#runLoop();
  }

  /** The policies that apply to this node: published with the next renewal; none = no lease. */
  setPolicies(names: readonly string[]): void {
    const text = [...names].sort().join(',');
    const had = this.#policies !== '';
    this.#policies = text;
    if (text !== '' && this.#elector === null && this.#loop !== null) this.#startElector();
    else if (text === '' && had && this.#elector !== null) {
      const e = this.#elector;
      this.#elector = null;
      void e.stop({ release: true });
    }
    this.#wake.abort();
  }

  /** Called whenever placement may have changed. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether this node may carry services now (see the class rules). */
  isReady(): boolean {
    return this.#readySinceMs !== null;
  }

  /** Live nodes with the policies they published, as this node sees them now. */
  liveNodes(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const { informer } = this.#opts;
    const horizonMs = Math.min(this.#clock.now(), informer.lastHeardMs + this.#renewEveryMs);
    for (const [, entry] of informer.entries()) {
      const { lease } = entry;
      const node = lease.holderIdentity;
      if (node === '' || nodeLeaseName(node) !== lease.name) continue;
      if (node === this.identity) {
        if (this.#readySinceMs === null) continue;
      } else if (entry.observedAtMs + lease.leaseDurationSeconds * 1000 <= horizonMs) continue;
      const policies = (lease.annotations[NODE_POLICIES_ANNOTATION] ?? '').split(',').filter(Boolean);
      out.set(node, new Set(policies));
    }
    return out;
  }

  /** The node that should carry a service selected by `selectingPolicies`, or null. */
  owner(service: string, selectingPolicies: readonly string[], live = this.liveNodes()): string | null {
    const eligible = [...live].filter(([, p]) => selectingPolicies.some((x) => p.has(x))).map(([n]) => n);
    return rendezvousOwner(service, eligible);
  }

  /** Whether this node carries the service now (owner, ready, and past the hand-off wait). */
  carries(service: string, selectingPolicies: readonly string[]): boolean {
    if (this.#readySinceMs === null) return false;
    const live = this.liveNodes();
    if (this.owner(service, selectingPolicies, live) !== this.identity) return false;
    if (this.#clock.now() >= this.#readySinceMs + this.#opts.cfg.retryPeriodMs) return true;
    live.delete(this.identity);
    return this.owner(service, selectingPolicies, live) === null;
  }

  /** Stops the loop and the watch; releases the node lease when asked (peers move at once). */
  async stop(opts: { release: boolean }): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#unsubscribe();
    this.#readySinceMs = null;
    const e = this.#elector;
    this.#elector = null;
    this.#opts.informer.stop();
    await e?.stop(opts);
  }

  #startElector(): void {
    const { cfg, client, informer, clock, random, labels } = this.#opts;
    this.#elector = new WatchLeaseElector(
      { ...cfg, leaseName: this.#leaseName },
      client,
      informer,
      {
        onStartedLeading: () => {
          this.#leadingSinceMs = this.#clock.now();
          this.#wake.abort();
        },
        onStoppedLeading: () => {
          this.#leadingSinceMs = Number.POSITIVE_INFINITY;
          this.#wake.abort();
        },
      },
      {
        watchLabels: { ...labels, [NODE_LEASE_LABEL]: 'true' },
        annotations: () => ({ [NODE_POLICIES_ANNOTATION]: this.#policies }),
      },
      clock,
      random,
    );
    void this.#elector.run();
  }

  /** Re-evaluates readiness and tells listeners, at every watch event and at every deadline. */
  async #runLoop(): Promise<void> {
    if (this.#policies !== '') this.#startElector();
    const { renewDeadlineMs } = this.#opts.cfg;
    let lastRestartMs = Number.NEGATIVE_INFINITY;
    while (!this.#stop.signal.aborted) {
      const nowMs = this.#clock.now();
      const own = this.#opts.informer.get(this.#leaseName)?.lease;
      const echoMs =
        own !== undefined && own.holderIdentity === this.identity
          ? (own.renewTimeMs ?? -Infinity)
          : -Infinity;
      const ready = this.#elector?.isLeader() === true && echoMs > nowMs - renewDeadlineMs;
      if (ready && this.#readySinceMs === null) this.#readySinceMs = nowMs;
      if (!ready) this.#readySinceMs = null;
      // Renewing, but the watch no longer echoes the renewals: relist (at most once per deadline).
      if (
        !ready &&
        nowMs - this.#leadingSinceMs >= renewDeadlineMs &&
        nowMs - lastRestartMs >= renewDeadlineMs
      ) {
        lastRestartMs = nowMs;
        this.#opts.informer.restart();
      }
      for (const l of this.#listeners) l();
      const wakeAtMs = this.#nextDeadline(nowMs, echoMs);
      this.#wake = new AbortController();
      await this.#clock.sleep(wakeAtMs - nowMs, AbortSignal.any([this.#wake.signal, this.#stop.signal]));
    }
  }

  /** The next moment placement can change without a watch event. */
  #nextDeadline(nowMs: number, echoMs: number): number {
    const { renewDeadlineMs, retryPeriodMs } = this.#opts.cfg;
    let next = nowMs + Math.max(retryPeriodMs, 1);
    const consider = (t: number) => {
      if (t > nowMs && t < next) next = t;
    };
    consider(echoMs + renewDeadlineMs);
    consider(this.#leadingSinceMs + renewDeadlineMs);
    if (this.#readySinceMs !== null) consider(this.#readySinceMs + retryPeriodMs);
    for (const [, entry] of this.#opts.informer.entries())
      consider(entry.observedAtMs + entry.lease.leaseDurationSeconds * 1000);
    return next;
  }
}
