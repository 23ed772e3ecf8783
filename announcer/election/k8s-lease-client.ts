import {
  ApiException,
  type ConfigurationOptions,
  CoordinationV1Api,
  type HttpLibrary,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
  V1MicroTime,
  Watch,
} from '@kubernetes/client-node';
import { type LeaseClient, LeaseConflictError } from './lease-client.js';
import type { LeaseRecord } from './lease-record.js';
import type { LeaseWatchApi, LeaseWatchEvent, LeaseWatchHandle, WatchedLease } from './lease-watch.js';
import { formatMicroTime, parseMicroTime } from './micro-time.js';

/** Called once per API request: HTTP status (0 when no response arrived) and wall latency. */
export type LeaseRequestObserver = (
  verb: 'get' | 'create' | 'update' | 'list' | 'watch' | 'delete',
  code: number,
  latencyMs: number,
) => void;

/** Test seam: requests go to `httpApi` instead of the network (client-node's `HttpLibrary`). */
export interface K8sLeaseClientOptions {
  httpApi?: HttpLibrary;
}

/**
 * A `Date` that serializes with microseconds. client-node passes MicroTime values through to
 * `JSON.stringify` untouched, so whatever `toISOString` returns is what the API server parses;
 * its own `V1MicroTime` pads milliseconds with `000`, this one keeps our sub-millisecond part.
 */
class PreciseMicroTime extends V1MicroTime {
  readonly #text: string;
  constructor(epochMs: number) {
    super(Math.floor(epochMs));
    this.#text = formatMicroTime(epochMs);
  }
  override toISOString(): string {
    return this.#text;
  }
}

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTimeMs: parseMicroTime(spec.acquireTime),
    renewTimeMs: parseMicroTime(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}

function toWatched(lease: V1Lease): WatchedLease {
  return {
    ...toRecord(lease),
    name: lease.metadata?.name ?? '',
    labels: { ...lease.metadata?.labels },
    annotations: { ...lease.metadata?.annotations },
  };
}

function toSpec(rec: Omit<LeaseRecord, 'resourceVersion'>): V1LeaseSpec {
  return {
    holderIdentity: rec.holderIdentity,
    leaseDurationSeconds: rec.leaseDurationSeconds,
    acquireTime: rec.acquireTimeMs === null ? undefined : new PreciseMicroTime(rec.acquireTimeMs),
    renewTime: rec.renewTimeMs === null ? undefined : new PreciseMicroTime(rec.renewTimeMs),
    leaseTransitions: rec.leaseTransitions,
  };
}

function statusOf(err: unknown): number {
  return err instanceof ApiException ? err.code : 0;
}

/**
 * {@link LeaseClient} over client-node's `CoordinationV1Api`: one HTTP request per call.
 *
 * PUT replaces the whole object, so `update` starts from the last Lease this client saw under
 * that name (the way client-go's LeaseLock keeps `ll.lease`) and changes only the election
 * fields and `resourceVersion`: labels, annotations and spec fields it does not manage survive.
 */
export class K8sLeaseClient implements LeaseClient, LeaseWatchApi {
  readonly #api: CoordinationV1Api;
  readonly #watch: Watch;
  readonly #onRequest: LeaseRequestObserver | undefined;
  readonly #callOptions: ConfigurationOptions | undefined;
  readonly #lastSeen = new Map<string, V1Lease>();

  constructor(kc: KubeConfig, onRequest?: LeaseRequestObserver, options?: K8sLeaseClientOptions) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#watch = new Watch(kc);
    this.#onRequest = onRequest;
    this.#callOptions = options?.httpApi === undefined ? undefined : { httpApi: options.httpApi };
  }

  async get(namespace: string, name: string): Promise<LeaseRecord | null> {
    try {
      const lease = await this.#request('get', () =>
        this.#api.readNamespacedLeaseWithHttpInfo({ name, namespace }, this.#callOptions),
      );
      return this.#remember(namespace, name, lease);
    } catch (err) {
      if (statusOf(err) === 404) {
        this.#lastSeen.delete(`${namespace}/${name}`);
        return null;
      }
      throw err;
    }
  }

  async create(
    namespace: string,
    name: string,
    rec: Omit<LeaseRecord, 'resourceVersion'>,
    labels?: Record<string, string>,
  ): Promise<LeaseRecord> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace,
        ...(labels === undefined ? {} : { labels: { ...labels } }),
        ...(rec.annotations === undefined ? {} : { annotations: { ...rec.annotations } }),
      },
      spec: toSpec(rec),
    };
    const lease = await this.#request('create', () =>
      this.#api.createNamespacedLeaseWithHttpInfo({ namespace, body }, this.#callOptions),
    );
    return this.#remember(namespace, name, lease);
  }

  async update(namespace: string, name: string, rec: LeaseRecord): Promise<LeaseRecord> {
    const seen = this.#lastSeen.get(`${namespace}/${name}`);
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...seen?.metadata,
        name,
        namespace,
        resourceVersion: rec.resourceVersion,
        ...(rec.labels === undefined ? {} : { labels: { ...seen?.metadata?.labels, ...rec.labels } }),
        ...(rec.annotations === undefined
          ? {}
          : { annotations: { ...seen?.metadata?.annotations, ...rec.annotations } }),
      },
      spec: { ...seen?.spec, ...toSpec(rec) },
    };
    const lease = await this.#request('update', () =>
      this.#api.replaceNamespacedLeaseWithHttpInfo({ name, namespace, body }, this.#callOptions),
    );
    return this.#remember(namespace, name, lease);
  }

  async list(
    namespace: string,
    labelSelector: string,
  ): Promise<{ items: WatchedLease[]; resourceVersion: string }> {
    const startMs = performance.now();
    try {
      const res = await this.#api.listNamespacedLeaseWithHttpInfo(
        { namespace, labelSelector },
        this.#callOptions,
      );
      this.#onRequest?.('list', res.httpStatusCode, performance.now() - startMs);
      for (const l of res.data.items)
        if (l.metadata?.name) this.#lastSeen.set(`${namespace}/${l.metadata.name}`, l);
      return {
        items: res.data.items.map(toWatched),
        resourceVersion: res.data.metadata?.resourceVersion ?? '',
      };
    } catch (err) {
      this.#onRequest?.('list', statusOf(err), performance.now() - startMs);
      throw err;
    }
  }

  /** DELETE of one Lease (the lease garbage collector's); a Lease already gone is not an error. */
  async delete(namespace: string, name: string): Promise<void> {
    const startMs = performance.now();
    try {
      const res = await this.#api.deleteNamespacedLeaseWithHttpInfo({ name, namespace }, this.#callOptions);
      this.#onRequest?.('delete', res.httpStatusCode, performance.now() - startMs);
    } catch (err) {
      this.#onRequest?.('delete', statusOf(err), performance.now() - startMs);
      if (statusOf(err) !== 404) throw err;
    } finally {
      this.#lastSeen.delete(`${namespace}/${name}`);
    }
  }

  /**
   * A WATCH with bookmarks and no timeoutSeconds (the API server ends it after 30–60 min). Objects
   * it delivers also refresh the copy `update` starts from, so a holder renewing from its watch
   * cache keeps labels and annotations someone else added.
   */
  async watch(
    namespace: string,
    labelSelector: string,
    resourceVersion: string,
    onEvent: (e: LeaseWatchEvent) => void,
    onEnd: (err: unknown, gone: boolean) => void,
  ): Promise<LeaseWatchHandle> {
    let stopped = false;
    let ended = false;
    let counted = false;
    const startMs = performance.now();
    const count = (code: number) => {
      if (counted) return;
      counted = true;
      this.#onRequest?.('watch', code, performance.now() - startMs);
    };
    const end = (err: unknown, gone: boolean) => {
      if (ended || stopped) return;
      ended = true;
      onEnd(err, gone);
    };
    const controller = await this.#watch.watch(
      `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`,
      { labelSelector, resourceVersion, allowWatchBookmarks: true },
      (type: string, obj: V1Lease & { code?: number }) => {
        count(200);
        if (stopped) return;
        if (type === 'ERROR') {
          end(new Error(`watch leases: ${JSON.stringify(obj)}`), obj.code === 410);
          return;
        }
        if (type === 'BOOKMARK') return;
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
        const name = obj.metadata?.name ?? '';
        if (type === 'DELETED') this.#lastSeen.delete(`${namespace}/${name}`);
        else this.#lastSeen.set(`${namespace}/${name}`, obj);
        onEvent({ type, lease: toWatched(obj) });
      },
      (err: unknown) => {
        const code = (err as { statusCode?: number } | null)?.statusCode ?? (err ? 0 : 200);
        count(code);
        end(err ?? undefined, code === 410);
      },
    );
    return {
      stop: () => {
        stopped = true;
        controller.abort();
      },
    };
  }

  #remember(namespace: string, name: string, lease: V1Lease): LeaseRecord {
    this.#lastSeen.set(`${namespace}/${name}`, lease);
    return toRecord(lease);
  }

  async #request(
    verb: 'get' | 'create' | 'update',
    send: () => Promise<{ httpStatusCode: number; data: V1Lease }>,
  ): Promise<V1Lease> {
    const startMs = performance.now();
    try {
      const res = await send();
      this.#onRequest?.(verb, res.httpStatusCode, performance.now() - startMs);
      return res.data;
    } catch (err) {
      const code = statusOf(err);
      this.#onRequest?.(verb, code, performance.now() - startMs);
      if (code === 409 && verb !== 'get') {
        throw new LeaseConflictError(`${verb} lease: 409 Conflict (someone else wrote it first)`, {
          cause: err,
        });
      }
      throw err;
    }
  }
}
