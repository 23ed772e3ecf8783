import { type Clock, systemClock } from './clock.js';
import { type ElectionConfig, validateElectionConfig } from './election-config.js';
import type { ElectionEvents } from './leader-elector.js';
import { type LeaseClient, LeaseConflictError } from './lease-client.js';
import type { InformedLease, LeaseInformer } from './lease-informer.js';
import type { LeaseRecord } from './lease-record.js';
import { raceDeadline, takeoverJitterMs, watchRenewIntervalMs } from './watch-timing.js';

/** Options for {@link WatchLeaseElector}. */
export interface WatchLeaseElectorOptions {
  /** Labels the lease must carry for the shared watch to see it (set on create and on every write). */
  watchLabels: Record<string, string>;
  /** Annotations to write with every update (node leases publish their policies here). */
  annotations?: () => Record<string, string>;
}

type Plan =
  | { kind: 'wait'; untilMs: number }
  | { kind: 'create' | 'takeover' | 'renew'; atMs: number }
  | { kind: 'step-down' };

/** A lease seen by this elector: from the shared watch, or from its own write or GET. */
interface Known {
  rec: LeaseRecord;
  observedAtMs: number;
}

const rvNumber = (rv: string): number => (/^\d+$/.test(rv) ? Number(rv) : Number.NaN);

/**
 * A lease election that never polls: candidates learn about the lease from one shared,
 * label-selected {@link LeaseInformer} and write only when it has expired or been released.
 *
 * - Expiry as in client-go: `observedAt + leaseDurationSeconds`, where observedAt is when this
 *   process saw the record change; a candidate tries at that moment plus a jitter in
 *   [0, {@link takeoverJitterMs}) (at once, bar the jitter, for a released lease, or for one that
 *   still names this identity, as client-go does). A 409 means someone else won: it waits for the
 *   watch to show the new record (and relists the watch if it stays silent for renewDeadline).
 * - The holder renews every {@link watchRenewIntervalMs} with a bare PUT of the record it last
 *   wrote (it has the resourceVersion; no GET), retries every retryPeriod after a failure, and
 *   stops leading once renewDeadline has passed since the start of its last successful renewal,
 *   or as soon as its watch shows another holder (always: this elector steps down on observe;
 *   `onApiOutage: 'keep'` stretches the deadline while every failure was the API server's
 *   absence, never past a seen holder or a 409). Candidates wait leaseDuration from the moment
 *   they saw that renewal, so a holder cut off from the API server stops at least
 *   leaseDuration − renewDeadline before anyone can take over.
 * - A lease that exists without the watch label (left by another strategy) is found by the 409 on
 *   create, read once, and relabelled by the next write.
 */
export class WatchLeaseElector {
  readonly #cfg: ElectionConfig;
  readonly #client: LeaseClient;
  readonly #informer: LeaseInformer;
  readonly #events: ElectionEvents;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #opts: WatchLeaseElectorOptions;
  readonly #renewEveryMs: number;
  readonly #stop = new AbortController();
  #wake = new AbortController();
  #own: Known | null = null;
  #adopted: Known | null = null;
  #leading = false;
  #lastSuccessStartMs = Number.NEGATIVE_INFINITY;
  #lastFailureMs = Number.NEGATIVE_INFINITY;
  /** No 409 since the last successful renewal: the failures, if any, were the API server's absence. */
  #onlyUnreachable = true;
  #conflict: { rv: string; atMs: number } | null = null;
  #absentSinceMs: number | null = null;
  #jitter: { rv: string; ms: number } | null = null;
  #reportedLeader = '';
  #loop: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #unsubscribe: () => void = () => {};

  constructor(
    cfg: ElectionConfig,
    client: LeaseClient,
    informer: LeaseInformer,
    events: ElectionEvents,
    opts: WatchLeaseElectorOptions,
    clock: Clock = systemClock,
    random: () => number = Math.random,
  ) {
    validateElectionConfig(cfg);
    this.#cfg = cfg;
    this.#client = client;
    this.#informer = informer;
    this.#events = events;
    this.#opts = opts;
    this.#clock = clock;
    this.#random = random;
    this.#renewEveryMs = watchRenewIntervalMs(cfg);
  }

  run(): Promise<void> {
    if (this.#loop !== null)
      return Promise.reject(new Error(`${this.#cfg.leaseName}: run() was already called`));
    this.#unsubscribe = this.#informer.subscribe((name) => {
      if (name === this.#cfg.leaseName || name === '') this.#wake.abort();
    });
    this.#loop = this.#runLoop().finally(() => this.#unsubscribe());
    return this.#loop;
  }

  stop(opts: { release: boolean }): Promise<void> {
    this.#stopping ??= this.#shutdown(opts.release);
    return this.#stopping;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  observedHolder(): string | null {
    return this.#current()?.rec.holderIdentity || null;
  }

  /** The newest record known: the watch's, our own write's, or one read after a 409 on create. */
  #current(): Known | null {
    const informed: InformedLease | undefined = this.#informer.get(this.#cfg.leaseName);
    let best: Known | null = informed ? { rec: informed.lease, observedAtMs: informed.observedAtMs } : null;
    for (const k of [this.#own, this.#adopted]) {
      if (k === null) continue;
      if (best === null || rvNumber(k.rec.resourceVersion) > rvNumber(best.rec.resourceVersion)) best = k;
    }
    return best;
  }

  #plan(nowMs: number): Plan {
    const { identity, renewDeadlineMs, retryPeriodMs } = this.#cfg;
    const cur = this.#current();
    if (this.#leading) {
      if (cur !== null && cur.rec.holderIdentity !== identity) return { kind: 'step-down' };
      const deadlineMs = this.#lastSuccessStartMs + renewDeadlineMs;
      if (nowMs >= deadlineMs) {
        // onApiOutage keep: past the deadline only while every failure was an unreachable API.
        if (this.#cfg.onApiOutage !== 'keep' || !this.#onlyUnreachable) return { kind: 'step-down' };
        return { kind: 'renew', atMs: Math.max(nowMs, this.#lastFailureMs + retryPeriodMs) };
      }
      const atMs = Math.max(
        this.#lastSuccessStartMs + this.#renewEveryMs,
        this.#lastFailureMs + retryPeriodMs,
      );
      return atMs >= deadlineMs ? { kind: 'wait', untilMs: deadlineMs } : { kind: 'renew', atMs };
    }
    if (!this.#informer.isSynced()) return { kind: 'wait', untilMs: nowMs + retryPeriodMs };
    const retryAtMs = this.#lastFailureMs + retryPeriodMs;
    if (cur === null) {
      this.#absentSinceMs ??= nowMs;
      return { kind: 'create', atMs: Math.max(retryAtMs, this.#absentSinceMs + this.#jitterFor('')) };
    }
    this.#absentSinceMs = null;
    if (this.#conflict !== null && this.#conflict.rv === cur.rec.resourceVersion) {
      // Lost a race: the winner's write is on its way through the watch.
      return { kind: 'wait', untilMs: this.#conflict.atMs + renewDeadlineMs };
    }
    const rec = cur.rec;
    if (rec.holderIdentity === identity) return { kind: 'takeover', atMs: Math.max(nowMs, retryAtMs) };
    // A release (holder '') is free from the moment we saw it.
    const expiresAtMs =
      rec.holderIdentity === '' ? cur.observedAtMs : cur.observedAtMs + rec.leaseDurationSeconds * 1000;
    return {
      kind: 'takeover',
      atMs: Math.max(expiresAtMs + this.#jitterFor(rec.resourceVersion), retryAtMs),
    };
  }

  /** One jitter per record version, so re-planning on unrelated wake-ups does not redraw it. */
  #jitterFor(rv: string): number {
    if (this.#jitter?.rv !== rv) this.#jitter = { rv, ms: this.#random() * takeoverJitterMs(this.#cfg) };
    return this.#jitter.ms;
  }

  async #runLoop(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      const nowMs = this.#clock.now();
      const plan = this.#plan(nowMs);
      if (plan.kind === 'step-down') {
        this.#stepDown();
        continue;
      }
      const untilMs = plan.kind === 'wait' ? plan.untilMs : plan.atMs;
      if (untilMs > nowMs) {
        await this.#sleep(untilMs - nowMs);
        continue; // re-plan: the watch may have changed the picture
      }
      if (plan.kind === 'wait') {
        // A 409 whose winner never showed up on the watch: the watch may be dead; relist.
        if (this.#conflict !== null) {
          this.#conflict = null;
          this.#informer.restart();
        }
        await this.#sleep(this.#cfg.retryPeriodMs);
        continue;
      }
      await this.#attempt(plan.kind);
    }
  }

  /** Sleeps `ms`, or until the lease changes on the watch, or stop. */
  async #sleep(ms: number): Promise<void> {
    this.#wake = new AbortController();
    const both = AbortSignal.any([this.#wake.signal, this.#stop.signal]);
    await this.#clock.sleep(ms, both);
  }

  async #attempt(kind: 'create' | 'takeover' | 'renew'): Promise<void> {
    const { namespace, leaseName, identity, leaseDurationMs, renewDeadlineMs } = this.#cfg;
    const startMs = this.#clock.now();
    const cur = this.#current();
    const annotations = this.#opts.annotations?.();
    const labels = this.#opts.watchLabels;
    const fresh = {
      holderIdentity: identity,
      leaseDurationSeconds: leaseDurationMs / 1000,
      acquireTimeMs: startMs,
      renewTimeMs: startMs,
      leaseTransitions: 0,
      ...(annotations === undefined ? {} : { annotations }),
    };
    let send: () => Promise<LeaseRecord>;
    if (kind === 'create' || cur === null) {
      send = () => this.#client.create(namespace, leaseName, fresh, labels);
    } else {
      const ours = cur.rec.holderIdentity === identity;
      const next: LeaseRecord = {
        ...fresh,
        acquireTimeMs: ours ? cur.rec.acquireTimeMs : startMs,
        leaseTransitions: ours ? cur.rec.leaseTransitions : cur.rec.leaseTransitions + 1,
        resourceVersion: cur.rec.resourceVersion,
        labels,
      };
      send = () => this.#client.update(namespace, leaseName, next);
    }
    // A holder's request may run until its renew deadline; past it (onApiOutage keep), or as a
    // candidate, renewDeadline of its own.
    const roundEndMs = this.#lastSuccessStartMs + renewDeadlineMs;
    const deadlineMs = this.#leading && startMs < roundEndMs ? roundEndMs : startMs + renewDeadlineMs;
    let outcome: 'success' | 'conflict' | 'error';
    try {
      const result = await raceDeadline(send(), deadlineMs - startMs, (ms, s) => this.#clock.sleep(ms, s));
      if (result === 'timeout') outcome = 'error';
      else {
        this.#own = { rec: result, observedAtMs: this.#clock.now() };
        outcome = 'success';
      }
    } catch (err) {
      outcome = err instanceof LeaseConflictError ? 'conflict' : 'error';
    }
    if (this.#stop.signal.aborted && !this.#leading) return;
    const wasLeading = this.#leading;
    if (outcome === 'success') {
      this.#lastSuccessStartMs = startMs;
      this.#lastFailureMs = Number.NEGATIVE_INFINITY;
      this.#onlyUnreachable = true;
      this.#conflict = null;
      this.#adopted = null;
      if (!this.#leading) {
        this.#leading = true;
        this.#report();
        this.#events.onStartedLeading();
      }
    } else if (outcome === 'conflict') {
      if (kind === 'create') await this.#readAfterCreateConflict();
      else if (this.#leading) {
        // Someone else wrote: forget our copy, retry from the watch's (or step down if it shows
        // another holder) after retryPeriod.
        this.#own = null;
        this.#lastFailureMs = startMs;
        this.#onlyUnreachable = false;
      } else this.#conflict = { rv: cur?.rec.resourceVersion ?? '', atMs: this.#clock.now() };
    } else {
      this.#lastFailureMs = startMs;
    }
    this.#report();
    this.#events.onAttempt?.(
      outcome === 'success' ? (wasLeading ? 'renewed' : 'acquired') : outcome,
      this.#clock.now() - startMs,
    );
  }

  /** The lease exists but the watch does not show it: read it once (it may lack the watch label). */
  async #readAfterCreateConflict(): Promise<void> {
    if (this.#informer.get(this.#cfg.leaseName) !== undefined) return;
    try {
      const rec = await this.#client.get(this.#cfg.namespace, this.#cfg.leaseName);
      if (rec !== null) this.#adopted = { rec, observedAtMs: this.#clock.now() };
    } catch {
      this.#lastFailureMs = this.#clock.now();
    }
  }

  #stepDown(): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#own = null;
    this.#events.onStoppedLeading();
    this.#report();
  }

  #report(): void {
    const holder = this.observedHolder() ?? '';
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    if (holder !== '') this.#events.onNewLeader?.(holder);
  }

  async #shutdown(release: boolean): Promise<void> {
    this.#stop.abort();
    await this.#loop?.catch(() => {});
    this.#unsubscribe();
    if (!this.#leading) return;
    const own = this.#own;
    this.#leading = false;
    this.#events.onStoppedLeading();
    if (!release || own === null || own.rec.holderIdentity !== this.#cfg.identity) return;
    const nowMs = this.#clock.now();
    const released: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTimeMs: nowMs,
      renewTimeMs: nowMs,
      leaseTransitions: own.rec.leaseTransitions,
      resourceVersion: own.rec.resourceVersion,
    };
    const send = this.#client.update(this.#cfg.namespace, this.#cfg.leaseName, released).catch(() => {});
    await raceDeadline(send, this.#cfg.renewDeadlineMs, (ms, s) => this.#clock.sleep(ms, s));
  }
}
