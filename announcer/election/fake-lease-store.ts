import type { Clock } from './clock.js';
import { type LeaseClient, LeaseConflictError } from './lease-client.js';
import type { LeaseRecord } from './lease-record.js';

/** The three Lease verbs, as counted. */
export type LeaseVerb = 'get' | 'create' | 'update';

/**
 * Injected failure for one request:
 * - `'unavailable'`: never reaches the server (connection refused); the store is untouched.
 * - `'lost-response'`: the server applies it, the caller gets an error anyway (a timeout after
 *   commit), so the caller's cached resourceVersion goes stale.
 * - `'hang'`: no answer, ever (a blackholed API server).
 */
export type FakeLeaseFault = 'unavailable' | 'lost-response' | 'hang';

/** A {@link LeaseClient} onto a {@link FakeLeaseStore}, with its own counters and fault switch. */
export interface FakeLeaseClient extends LeaseClient {
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
}

/**
 * An in-memory Lease API that behaves like kube-apiserver where the election can tell:
 * one store-wide revision counter supplies resourceVersions, create of an existing name and
 * update with any other resourceVersion fail with 409, update of a missing lease with 404.
 * Records are copied in and out, so callers cannot alias the stored state.
 */
export class FakeLeaseStore {
  /** Requests that reached the server (not the `'unavailable'` ones). */
  readonly requests: Record<LeaseVerb, number> = { get: 0, create: 0, update: 0 };
  /** Writes refused with 409 (create of an existing lease, update with a stale resourceVersion). */
  conflicts = 0;
  readonly #clock: Clock;
  readonly #leases = new Map<string, Stored>();
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
      requests: { get: 0, create: 0, update: 0 },
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
          return this.#write(namespace, name, rec, stored.labels);
        }),
    };
    return client;
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
    this.#leases.set(key(namespace, name), { rec: stored, labels: { ...labels } });
    return { ...stored };
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
