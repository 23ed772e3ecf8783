import type { Clock } from './clock.js';
import { sameElectionState } from './lease-record.js';
import type { LeaseWatchApi, LeaseWatchEvent, LeaseWatchHandle, WatchedLease } from './lease-watch.js';

/** A cached Lease and when this process last saw its election record change (its own clock). */
export interface InformedLease {
  lease: WatchedLease;
  /** client-go's observedTime: local time the record was first seen with its current contents. */
  observedAtMs: number;
}

/** Options for {@link LeaseInformer}. */
export interface LeaseInformerOptions {
  namespace: string;
  labelSelector: string;
  /** Pause before relisting after a failed list or a watch that ended with an error. */
  retryMs: number;
}

/**
 * One label-selected LIST + WATCH of the Leases in a namespace, shared by every election of a
 * watch-based strategy in this process. Keeps client-go's expiry semantics: a record's
 * `observedAtMs` moves only when its election state changes (a relist that returns the same record
 * does not restart the clock), and nothing compares `renewTime` with the local clock.
 *
 * A watch that ends cleanly is resumed from the last resourceVersion (no LIST); one that fails or
 * is `410 Gone` is replaced by a relist after `retryMs`. Callers that suspect the watch went quiet
 * without failing (a half-open connection) call {@link restart}.
 */
export class LeaseInformer {
  readonly #api: LeaseWatchApi;
  readonly #clock: Clock;
  readonly #opts: LeaseInformerOptions;
  readonly #cache = new Map<string, InformedLease>();
  readonly #listeners = new Set<(name: string, entry: InformedLease | undefined) => void>();
  #resourceVersion = '';
  #watch: LeaseWatchHandle | null = null;
  #generation = 0;
  #stopped = true;
  #synced = false;
  #retry: AbortController | null = null;
  /** Local time of the last list or watch event: lets callers judge how fresh the view is. */
  lastHeardMs = Number.NEGATIVE_INFINITY;

  constructor(api: LeaseWatchApi, clock: Clock, opts: LeaseInformerOptions) {
    this.#api = api;
    this.#clock = clock;
    this.#opts = opts;
  }

  /** Lists, then watches, until {@link stop}. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#relist(this.#generation);
  }

  /** Ends the watch; the cache keeps its contents. */
  stop(): void {
    this.#stopped = true;
    this.#generation++;
    this.#retry?.abort();
    this.#watch?.stop();
    this.#watch = null;
  }

  /** Drops the current watch and relists now. */
  restart(): void {
    if (this.#stopped) return;
    const gen = ++this.#generation;
    this.#retry?.abort();
    this.#watch?.stop();
    this.#watch = null;
    void this.#relist(gen);
  }

  /** Whether the first list has arrived. */
  isSynced(): boolean {
    return this.#synced;
  }

  get(name: string): InformedLease | undefined {
    return this.#cache.get(name);
  }

  entries(): IterableIterator<[string, InformedLease]> {
    return this.#cache.entries();
  }

  /**
   * Called for every cached lease that changed (its entry, or `undefined` once deleted), and with
   * name `''` after every completed list.
   */
  subscribe(listener: (name: string, entry: InformedLease | undefined) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #relist(gen: number): Promise<void> {
    const { namespace, labelSelector, retryMs } = this.#opts;
    while (gen === this.#generation && !this.#stopped) {
      try {
        const { items, resourceVersion } = await this.#api.list(namespace, labelSelector);
        if (gen !== this.#generation) return;
        this.lastHeardMs = this.#clock.now();
        const seen = new Set(items.map((l) => l.name));
        for (const name of [...this.#cache.keys()]) if (!seen.has(name)) this.#apply('DELETED', name);
        for (const lease of items) this.#apply('MODIFIED', lease.name, lease);
        this.#resourceVersion = resourceVersion;
        this.#synced = true;
        for (const l of this.#listeners) l('', undefined);
        if (await this.#startWatch(gen)) return;
      } catch {
        // Retried below.
      }
      if (gen !== this.#generation) return;
      this.#retry = new AbortController();
      await this.#clock.sleep(retryMs, this.#retry.signal);
    }
  }

  /** True once a watch runs (or the generation moved on); false to relist. */
  async #startWatch(gen: number): Promise<boolean> {
    const { namespace, labelSelector } = this.#opts;
    for (;;) {
      let ended: { gone: boolean; failed: boolean } | null = null;
      let resolveEnd: () => void = () => {};
      const endPromise = new Promise<void>((r) => {
        resolveEnd = r;
      });
      const handle = await this.#api.watch(
        namespace,
        labelSelector,
        this.#resourceVersion,
        (e) => {
          if (gen === this.#generation) this.#onEvent(e);
        },
        (err, gone) => {
          ended = { gone, failed: err !== undefined && err !== null };
          resolveEnd();
        },
      );
      if (gen !== this.#generation) {
        handle.stop();
        return true;
      }
      this.#watch = handle;
      await endPromise;
      if (gen !== this.#generation) return true;
      this.#watch = null;
      const end = ended as { gone: boolean; failed: boolean } | null;
      if (end === null || end.gone || end.failed) return false;
      // A clean end (the server's timeout): resume from where we were.
    }
  }

  #onEvent(e: LeaseWatchEvent): void {
    this.lastHeardMs = this.#clock.now();
    if (e.lease.resourceVersion) this.#resourceVersion = e.lease.resourceVersion;
    this.#apply(e.type, e.lease.name, e.lease);
  }

  #apply(type: LeaseWatchEvent['type'], name: string, lease?: WatchedLease): void {
    const old = this.#cache.get(name);
    if (type === 'DELETED' || lease === undefined) {
      if (old === undefined) return;
      this.#cache.delete(name);
      for (const l of this.#listeners) l(name, undefined);
      return;
    }
    if (old !== undefined && old.lease.resourceVersion === lease.resourceVersion) return;
    const changed = old === undefined || !sameElectionState(old.lease, lease);
    const entry: InformedLease = {
      lease,
      observedAtMs: changed ? this.#clock.now() : old.observedAtMs,
    };
    this.#cache.set(name, entry);
    for (const l of this.#listeners) l(name, entry);
  }
}
