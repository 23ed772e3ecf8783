import { type Clock, systemClock } from './clock.js';
import { type ElectionConfig, JITTER_FACTOR, validateElectionConfig } from './election-config.js';
import { type LeaseClient, LeaseConflictError } from './lease-client.js';
import { type LeaseRecord, sameElectionState } from './lease-record.js';

export type { ElectionConfig, RenewMode } from './election-config.js';
export { validateElectionConfig } from './election-config.js';

/** What one try of client-go's `tryAcquireOrRenew` came to. */
export type AttemptResult = 'acquired' | 'renewed' | 'held-by-other' | 'conflict' | 'error';

/** Callbacks; called synchronously from the election loop, so they should not block. */
export interface ElectionEvents {
  /** This elector now holds the lease. */
  onStartedLeading(): void;
  /** This elector no longer holds the lease: renewal failed for renewDeadline, or stop(). */
  onStoppedLeading(): void;
  /** The observed holder changed to `identity` (not called for an empty, released lease). */
  onNewLeader?(identity: string): void;
  /** After every attempt, with its wall time on the elector's clock (one or two requests). */
  onAttempt?(result: AttemptResult, latencyMs: number): void;
}

type Outcome = 'success' | 'held-by-other' | 'conflict' | 'error';
type Election = Omit<LeaseRecord, 'resourceVersion'>;

/**
 * Lease-based leader election for one lease, reproducing client-go's `leaderelection` with a
 * `LeaseLock` (k8s.io/client-go/tools/leaderelection/leaderelection.go):
 *
 * - Expiry is judged on the local clock only: a candidate restarts its timer whenever it sees
 *   the record change and may take over once `observedTime + leaseDurationSeconds` (the
 *   record's value) has passed. `renewTime` is never compared with the local clock.
 * - A candidate attempts immediately, then every retryPeriod × (1 + rand × 1.2). It GETs, and
 *   PUTs (acquireTime = now, leaseTransitions + 1) only if the lease is free or expired; a
 *   missing lease is created. A 409 means another elector wrote first.
 * - A holder renews at once after acquiring (wait.Until runs its first round immediately), then
 *   every retryPeriod after the previous round. A failing round is retried every retryPeriod;
 *   when renewDeadline has passed since the round began it stops leading and becomes a
 *   candidate again. It keeps leading until then even if it has seen another holder
 *   (unless {@link ElectionConfig.stepDown} is `'on-observe'`; {@link ElectionConfig.onApiOutage}
 *   `'keep'` stretches the deadline while the API server is unreachable).
 * - {@link ElectionConfig.renewMode} picks GET+PUT per attempt or client-go >= 0.30's
 *   optimistic PUT of the cached record with GET+PUT as the fallback.
 * - `stop({ release: true })` hands the lease over like ReleaseOnCancel: holder `''`,
 *   leaseDurationSeconds 1, transitions kept, so a candidate takes it at its next try.
 *
 * Unlike client-go, a request gets no HTTP-level cancellation: each attempt is raced against
 * its deadline (the round's renewDeadline; for a candidate, renewDeadline from the attempt's
 * start, the client timeout `resourcelock.NewFromKubeconfig` sets) and counts as an error if
 * it loses; a late answer still updates what the elector knows about the lease.
 */
export class LeaderElector {
  readonly #cfg: ElectionConfig;
  readonly #client: LeaseClient;
  readonly #events: ElectionEvents;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #stopController = new AbortController();
  /** Last record seen, and when (local clock): client-go's observedRecord / observedTime. */
  #observed: Election | null = null;
  #observedTimeMs = Number.NEGATIVE_INFINITY;
  /** Last object read or written, for its resourceVersion: LeaseLock's cached `ll.lease`. */
  #cached: LeaseRecord | null = null;
  #leading = false;
  #reportedLeader = '';
  #loop: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  /**
   * @param random uniform [0, 1) source for candidate jitter; seed it in tests.
   * @throws Error from {@link validateElectionConfig} when the timings are inconsistent.
   */
  constructor(
    cfg: ElectionConfig,
    client: LeaseClient,
    events: ElectionEvents,
    clock: Clock = systemClock,
    random: () => number = Math.random,
  ) {
    validateElectionConfig(cfg);
    this.#cfg = { ...cfg, labels: cfg.labels === undefined ? undefined : { ...cfg.labels } };
    this.#client = client;
    this.#events = events;
    this.#clock = clock;
    this.#random = random;
  }

  /**
   * Campaigns, leads, and campaigns again after losing the lease, until {@link stop}. API
   * failures are failed attempts, never rejections; an exception thrown by a callback ends the
   * loop and rejects.
   */
  run(): Promise<void> {
    if (this.#loop !== null) {
      return Promise.reject(new Error(`LeaderElector ${this.#cfg.identity}: run() was already called`));
    }
    this.#loop = this.#runLoop();
    return this.#loop;
  }

  /**
   * Ends the loop. A candidate's in-flight attempt is abandoned; a holder's is awaited (at most
   * renewDeadline) so the release carries the latest resourceVersion. If leading, calls
   * onStoppedLeading, then (with `release`) clears the holder so the guarded work stops before
   * anyone else can take over. A failed release is left to expire after leaseDuration.
   */
  stop(opts: { release: boolean }): Promise<void> {
    this.#stopping ??= this.#shutdown(opts.release);
    return this.#stopping;
  }

  /**
   * True between onStartedLeading and onStoppedLeading. (client-go's IsLeader looks at the
   * observed record instead, so it turns false as soon as another holder is seen.)
   */
  isLeader(): boolean {
    return this.#leading;
  }

  /** Holder in the last record seen; `null` before the first read or while the lease is free. */
  observedHolder(): string | null {
    return this.#observed?.holderIdentity || null;
  }

  async #runLoop(): Promise<void> {
    const signal = this.#stopController.signal;
    while (!signal.aborted) {
      if (!(await this.#acquire(signal))) return;
      this.#leading = true;
      this.#events.onStartedLeading();
      await this.#renew(signal);
      if (signal.aborted) return; // #shutdown reports the end of leadership and releases
      this.#leading = false;
      this.#events.onStoppedLeading();
    }
  }

  /** wait.JitterUntil(retryPeriod, JITTER_FACTOR, sliding): try, then sleep a jittered period. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const outcome = await this.#attempt(this.#clock.now() + this.#cfg.renewDeadlineMs, signal);
      if (outcome === 'success') return true;
      if (outcome === 'stopped') return false;
      await this.#clock.sleep(this.#cfg.retryPeriodMs * (1 + this.#random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /**
   * wait.Until(retryPeriod) around PollImmediateUntil(retryPeriod) bounded by renewDeadline.
   * Returns when leadership ends: the deadline ran out, stop(), or (`stepDown: 'on-observe'`)
   * another holder was seen. With `onApiOutage: 'keep'` a round whose failures were all
   * unreachable-API errors runs past its deadline until a renewal lands or another holder shows.
   */
  async #renew(signal: AbortSignal): Promise<void> {
    const { renewDeadlineMs, retryPeriodMs } = this.#cfg;
    const onObserve = this.#cfg.stepDown === 'on-observe';
    const keep = this.#cfg.onApiOutage === 'keep';
    for (;;) {
      const deadlineMs = this.#clock.now() + renewDeadlineMs;
      // Whether every failure of this round was the API server being unreachable.
      let onlyUnreachable = true;
      for (;;) {
        const attemptStartMs = this.#clock.now();
        const pastDeadline = attemptStartMs >= deadlineMs;
        // Past the deadline (keep) each attempt gets renewDeadline of its own, like a candidate's.
        const attemptDeadlineMs = pastDeadline ? attemptStartMs + renewDeadlineMs : deadlineMs;
        // Not cut short by stop(): a release needs the resourceVersion this attempt returns.
        const outcome = await this.#attempt(attemptDeadlineMs, null);
        if (outcome === 'success') break;
        if (signal.aborted) return;
        if (outcome !== 'error') onlyUnreachable = false;
        // A holder that has seen another one steps down at once when asked to, and always once it
        // is holding on past its deadline (it has no lease left to defend).
        if (outcome === 'held-by-other' && (onObserve || pastDeadline)) return;
        if (outcome === 'conflict' && (onObserve || pastDeadline) && (await this.#otherHolderSeen())) return;
        if (signal.aborted) return;
        const holdOn = keep && onlyUnreachable;
        // The poll ticks every retryPeriod from the attempt's start; the deadline ends it mid-wait.
        const nextMs = attemptStartMs + retryPeriodMs;
        await this.#clock.sleep((holdOn ? nextMs : Math.min(nextMs, deadlineMs)) - this.#clock.now(), signal);
        if (signal.aborted || (!holdOn && this.#clock.now() >= deadlineMs)) return;
      }
      await this.#clock.sleep(retryPeriodMs, signal);
      if (signal.aborted) return;
    }
  }

  /**
   * After a 409 on renew: one GET to learn who wrote. True if it shows another unexpired holder
   * (the record changed, so client-go's local expiry timer restarts and it is valid).
   */
  async #otherHolderSeen(): Promise<boolean> {
    const { namespace, leaseName, identity, renewDeadlineMs } = this.#cfg;
    const read = this.#client.get(namespace, leaseName).catch(() => null);
    const current = await this.#withDeadline(read, this.#clock.now() + renewDeadlineMs, null);
    if (current === null || current === 'timeout' || current === 'stopped') return false;
    this.#cached = current;
    if (this.#observed === null || !sameElectionState(this.#observed, current)) this.#observe(current);
    this.#reportTransition();
    return (
      current.holderIdentity !== '' &&
      current.holderIdentity !== identity &&
      this.#leaseValid(this.#clock.now())
    );
  }

  /** One tryAcquireOrRenew, raced against `deadlineMs` (and `stopSignal`), then reported. */
  async #attempt(deadlineMs: number, stopSignal: AbortSignal | null): Promise<Outcome | 'stopped'> {
    const startMs = this.#clock.now();
    const wasLeading = this.#leading;
    const outcome = await this.#withDeadline(this.#tryAcquireOrRenew(startMs), deadlineMs, stopSignal);
    if (outcome === 'stopped') return outcome;
    const result = outcome === 'timeout' ? 'error' : outcome;
    this.#reportTransition();
    this.#events.onAttempt?.(
      result === 'success' ? (wasLeading ? 'renewed' : 'acquired') : result,
      this.#clock.now() - startMs,
    );
    return result;
  }

  async #tryAcquireOrRenew(nowMs: number): Promise<Outcome> {
    const { namespace, leaseName, identity } = this.#cfg;
    const ours: Election = {
      holderIdentity: identity,
      leaseDurationSeconds: this.#cfg.leaseDurationMs / 1000,
      acquireTimeMs: nowMs,
      renewTimeMs: nowMs,
      leaseTransitions: 0,
    };

    // 1. client-go >= 0.30 fast path: a holder assumes its cached object is current and PUTs it.
    const observed = this.#observed;
    if (
      this.#cfg.renewMode === 'update-first' &&
      this.#cached !== null &&
      observed?.holderIdentity === identity &&
      this.#leaseValid(nowMs)
    ) {
      const renewal: LeaseRecord = {
        ...ours,
        acquireTimeMs: observed.acquireTimeMs,
        leaseTransitions: observed.leaseTransitions,
        resourceVersion: this.#cached.resourceVersion,
      };
      try {
        this.#commit(await this.#client.update(namespace, leaseName, renewal));
        return 'success';
      } catch {
        // Conflict or error: fall back to the slow path, as client-go does.
      }
    }

    // 2. Read the lease, creating it when there is none.
    let current: LeaseRecord | null;
    try {
      current = await this.#client.get(namespace, leaseName);
    } catch {
      return 'error';
    }
    if (current === null) {
      return this.#write(() => this.#client.create(namespace, leaseName, ours, this.#cfg.labels));
    }

    // 3. Restart the local expiry timer only when the record changed, then judge expiry on it.
    this.#cached = current;
    if (this.#observed === null || !sameElectionState(this.#observed, current)) this.#observe(current);
    const heldByUs = current.holderIdentity === identity;
    if (current.holderIdentity !== '' && this.#leaseValid(nowMs) && !heldByUs) return 'held-by-other';

    // 4. A renewal keeps the term's acquireTime and count; a takeover starts a new term.
    const next: LeaseRecord = heldByUs
      ? {
          ...ours,
          acquireTimeMs: current.acquireTimeMs,
          leaseTransitions: current.leaseTransitions,
          resourceVersion: current.resourceVersion,
        }
      : { ...ours, leaseTransitions: current.leaseTransitions + 1, resourceVersion: current.resourceVersion };
    return this.#write(() => this.#client.update(namespace, leaseName, next));
  }

  async #write(send: () => Promise<LeaseRecord>): Promise<Outcome> {
    try {
      this.#commit(await send());
      return 'success';
    } catch (err) {
      return err instanceof LeaseConflictError ? 'conflict' : 'error';
    }
  }

  /** client-go's isLeaseValid: the record's own duration, counted from when we last saw it change. */
  #leaseValid(nowMs: number): boolean {
    const seconds = this.#observed?.leaseDurationSeconds ?? 0;
    return this.#observedTimeMs + seconds * 1000 > nowMs;
  }

  #observe(rec: LeaseRecord): void {
    const { resourceVersion: _, ...election } = rec;
    this.#observed = election;
    this.#observedTimeMs = this.#clock.now();
  }

  #commit(rec: LeaseRecord): void {
    this.#cached = rec;
    this.#observe(rec);
  }

  #reportTransition(): void {
    const holder = this.#observed?.holderIdentity ?? '';
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    if (holder !== '') this.#events.onNewLeader?.(holder);
  }

  async #shutdown(release: boolean): Promise<void> {
    this.#stopController.abort();
    await this.#loop?.catch(() => {}); // run()'s caller already sees a callback's exception
    if (!this.#leading) return;
    this.#leading = false;
    this.#events.onStoppedLeading();
    if (release) await this.#release();
  }

  /** client-go's release(): only if the last record seen is ours. */
  async #release(): Promise<void> {
    const observed = this.#observed;
    const cached = this.#cached;
    if (observed?.holderIdentity !== this.#cfg.identity || cached === null) return;
    const nowMs = this.#clock.now();
    const released: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTimeMs: nowMs,
      renewTimeMs: nowMs,
      leaseTransitions: observed.leaseTransitions,
      resourceVersion: cached.resourceVersion,
    };
    const send = this.#client.update(this.#cfg.namespace, this.#cfg.leaseName, released).then(
      (rec) => this.#commit(rec),
      () => {}, // the lease then expires after leaseDuration instead
    );
    await this.#withDeadline(send, nowMs + this.#cfg.renewDeadlineMs, null);
  }

  /** Settles with `work`, or `'timeout'` at `deadlineMs`, or `'stopped'` when `stopSignal` aborts. */
  async #withDeadline<T>(
    work: Promise<T>,
    deadlineMs: number,
    stopSignal: AbortSignal | null,
  ): Promise<T | 'timeout' | 'stopped'> {
    if (stopSignal?.aborted) return 'stopped';
    const timer = new AbortController();
    const onStop = (): void => timer.abort();
    stopSignal?.addEventListener('abort', onStop, { once: true });
    try {
      return await Promise.race([
        work,
        this.#clock
          .sleep(deadlineMs - this.#clock.now(), timer.signal)
          .then((): 'stopped' | 'timeout' => (stopSignal?.aborted ? 'stopped' : 'timeout')),
      ]);
    } finally {
      timer.abort();
      stopSignal?.removeEventListener('abort', onStop);
    }
  }
}
