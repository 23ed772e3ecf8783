import type { Clock } from './clock.js';
import { type LeaseClient, LeaseConflictError } from './lease-client.js';
import type { LeaseRecord } from './lease-record.js';
import type { LeaseWatchApi, LeaseWatchEvent, WatchedLease } from './lease-watch.js';

/** The Lease verbs, as counted (a watch counts once, when it starts). */
export type LeaseVerb = 'get' | 'create' | 'update' | 'list' | 'watch';

/**
 * Injected failure for one request:
 * - `'unavailable'`: never reaches the server (connection refused); the store is untouched.
 * - `'lost-response'`: the server applies it, the caller gets an error anyway (a timeout after
 *   commit), so the caller's cached resourceVersion goes stale.
 * - `'hang'`: no answer, ever (a blackholed API server).
 */
export type FakeLeaseFault = 'unavailable' | 'lost-response' | 'hang';

/**
 * A {@link LeaseClient} and {@link LeaseWatchApi} onto a {@link FakeLeaseStore}, with its own
 * counters and fault switch. A running watch asks the switch (verb `'watch'`) before each event it
 * delivers: any fault ends it with an error, as a broken connection would.
 */
export interface FakeLeaseClient extends LeaseClient, LeaseWatchApi {
  /** Requests this client sent, failed ones included. */
  readonly requests: Record<LeaseVerb, number>;
  /** Decides, per request, whether and how it fails; `null` for a healthy client. */
  fault: ((verb: LeaseVerb) => FakeLeaseFault | null) | null;
}

/** Options for {@link FakeLeaseStore.client}. */
export interface FakeLeaseClientOptions {
  /** Round trip per request in ms (fixed or drawn per request); half passes before the server applies it. */
  latencyMs?: number | (() => number);
}

/** An error with an HTTP status, like client-node's `ApiException`. */
export class FakeApiError extends Error {
  override name = 'FakeApiError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Stored {
  rec: LeaseRecord;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface Watcher {
  namespace: string;
  selector: Record<string, string>;
  deliver: (e: LeaseWatchEvent) => void;
}

/** `a=b,c=d` equality selectors only (all the strategies use). */
function parseSelector(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').filter((p) => p !== '')) {
    const [k, v] = part.split('=');
    if (k === undefined || v === undefined) throw new Error(`fake selector ${text}: only k=v terms`);
    out[k] = v;
  }
  return out;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * An in-memory Lease API that behaves like kube-apiserver where the election can tell:
 * one store-wide revision counter supplies resourceVersions, create of an existing name and
 * update with any other resourceVersion fail with 409, update of a missing lease with 404.
 * Records are copied in and out, so callers cannot alias the stored state.
 */
export class FakeLeaseStore {
  /** Requests that reached the server (not the `'unavailable'` ones). */
  readonly requests: Record<LeaseVerb, number> = { get: 0, create: 0, update: 0, list: 0, watch: 0 };
  /** Writes refused with 409 (create of an existing lease, update with a stale resourceVersion). */
  conflicts = 0;
  readonly #clock: Clock;
  readonly #leases = new Map<string, Stored>();
  readonly #watchers = new Set<Watcher>();
  #revision = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** A new client with its own counters, latency and fault switch. */
  client(options: FakeLeaseClientOptions = {}): FakeLeaseClient {
    const { latencyMs = 0 } = options;
    const clock = this.#clock;
    const call = async <T>(client: FakeLeaseClient, verb: LeaseVerb, serve: () => T): Promise<T> => {
      client.requests[verb]++;
      const halfMs = (typeof latencyMs === 'function' ? latencyMs() : latencyMs) / 2;
      const fault = client.fault?.(verb) ?? null;
      if (halfMs > 0) await clock.sleep(halfMs);
      if (fault === 'hang') return new Promise<T>(() => {});
      if (fault === 'unavailable') throw new Error(`fake ${verb}: API server unavailable`);
      this.requests[verb]++;
      let result: { value: T } | { error: unknown };
      try {
        result = { value: serve() };
      } catch (error) {
        result = { error };
      }
      if (halfMs > 0) await clock.sleep(halfMs);
      if (fault === 'lost-response')
        throw new Error(`fake ${verb}: response lost after the server applied it`);
      if ('error' in result) throw result.error;
      return result.value;
    };
    const client: FakeLeaseClient = {
      requests: { get: 0, create: 0, update: 0, list: 0, watch: 0 },
      fault: null,
      get: (namespace, name) => call(client, 'get', () => this.peek(namespace, name)),
      create: (namespace, name, rec, labels) =>
        call(client, 'create', () => {
          if (this.#leases.has(key(namespace, name))) {
            this.conflicts++;
            throw new LeaseConflictError(`leases "${name}" already exists`);
          }
          return this.#write(namespace, name, rec, labels ?? {});
        }),
      update: (namespace, name, rec) =>
        call(client, 'update', () => {
          const stored = this.#leases.get(key(namespace, name));
          if (stored === undefined) throw new FakeApiError(404, `leases "${name}" not found`);
          if (rec.resourceVersion !== stored.rec.resourceVersion) {
            this.conflicts++;
            throw new LeaseConflictError(
              `Operation cannot be fulfilled on leases "${name}": resourceVersion ${rec.resourceVersion} is stale (now ${stored.rec.resourceVersion})`,
            );
          }
          return this.#write(namespace, name, rec, { ...stored.labels, ...rec.labels });
        }),
      list: (namespace, labelSelector) =>
        call(client, 'list', () => {
          const selector = parseSelector(labelSelector);
          const items: WatchedLease[] = [];
          for (const [k, stored] of this.#leases) {
            const [ns, name = ''] = k.split('/');
            if (ns === namespace && matches(selector, stored.labels)) items.push(watched(name, stored));
          }
          return { items, resourceVersion: String(this.#revision) };
        }),
      watch: (namespace, labelSelector, _resourceVersion, onEvent, onEnd) =>
        call(client, 'watch', () => {
          // Starts at the current revision: the fake has no history to replay, so callers must
          // not write between their list and their watch (the informer does not).
          let open = true;
          const watcher: Watcher = {
            namespace,
            selector: parseSelector(labelSelector),
            deliver: (e) => {
              const halfMs = (typeof latencyMs === 'function' ? latencyMs() : latencyMs) / 2;
              void clock.sleep(halfMs).then(() => {
                if (!open) return;
                if (client.fault?.('watch')) {
                  open = false;
                  this.#watchers.delete(watcher);
                  onEnd(new Error('fake watch: connection lost'), false);
                  return;
                }
                onEvent(e);
              });
            },
          };
          this.#watchers.add(watcher);
          return {
            stop: () => {
              open = false;
              this.#watchers.delete(watcher);
            },
          };
        }),
    };
    return client;
  }

  /** Deletes a lease (out of band), as `kubectl delete lease` would. */
  delete(namespace: string, name: string): void {
    const stored = this.#leases.get(key(namespace, name));
    if (stored === undefined) return;
    this.#leases.delete(key(namespace, name));
    ++this.#revision;
    this.#notify(namespace, 'DELETED', watched(name, stored));
  }

  /** The stored annotations (a copy). */
  annotations(namespace: string, name: string): Record<string, string> | null {
    const stored = this.#leases.get(key(namespace, name));
    return stored === undefined ? null : { ...stored.annotations };
  }

  /** Number of open watches (a leak check for tests). */
  get openWatches(): number {
    return this.#watchers.size;
  }

  /** The stored record (a copy), without counting a request. */
  peek(namespace: string, name: string): LeaseRecord | null {
    const stored = this.#leases.get(key(namespace, name));
    return stored === undefined ? null : { ...stored.rec };
  }

  /** The stored labels (a copy). */
  labels(namespace: string, name: string): Record<string, string> | null {
    const stored = this.#leases.get(key(namespace, name));
    return stored === undefined ? null : { ...stored.labels };
  }

  /** Writes out of band, as another actor would (bumps the resourceVersion, keeps labels). */
  put(namespace: string, name: string, rec: Omit<LeaseRecord, 'resourceVersion'>): LeaseRecord {
    return this.#write(namespace, name, rec, this.#leases.get(key(namespace, name))?.labels ?? {});
  }

  #write(
    namespace: string,
    name: string,
    rec: Omit<LeaseRecord, 'resourceVersion'>,
    labels: Record<string, string>,
  ): LeaseRecord {
    const stored: LeaseRecord = {
      holderIdentity: rec.holderIdentity,
      leaseDurationSeconds: rec.leaseDurationSeconds,
      acquireTimeMs: rec.acquireTimeMs,
      renewTimeMs: rec.renewTimeMs,
      leaseTransitions: rec.leaseTransitions,
      resourceVersion: String(++this.#revision),
    };
    const previous = this.#leases.get(key(namespace, name));
    const entry: Stored = {
      rec: stored,
      labels: { ...labels },
      annotations: { ...(rec.annotations ?? previous?.annotations ?? {}) },
    };
    this.#leases.set(key(namespace, name), entry);
    this.#notify(namespace, previous === undefined ? 'ADDED' : 'MODIFIED', watched(name, entry));
    return { ...stored };
  }

  #notify(namespace: string, type: LeaseWatchEvent['type'], lease: WatchedLease): void {
    for (const w of this.#watchers)
      if (w.namespace === namespace && matches(w.selector, lease.labels))
        w.deliver({
          type,
          lease: { ...lease, labels: { ...lease.labels }, annotations: { ...lease.annotations } },
        });
  }
}

function watched(name: string, stored: Stored): WatchedLease {
  return { ...stored.rec, name, labels: { ...stored.labels }, annotations: { ...stored.annotations } };
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
