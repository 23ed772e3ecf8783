import {
  ApiException,
  type ConfigurationOptions,
  CoordinationV1Api,
  type HttpLibrary,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
  V1MicroTime,
} from '@kubernetes/client-node';
import { type LeaseClient, LeaseConflictError } from './lease-client.js';
import type { LeaseRecord } from './lease-record.js';
import { formatMicroTime, parseMicroTime } from './micro-time.js';

/** Called once per API request: HTTP status (0 when no response arrived) and wall latency. */
export type LeaseRequestObserver = (
  verb: 'get' | 'create' | 'update',
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
export class K8sLeaseClient implements LeaseClient {
  readonly #api: CoordinationV1Api;
  readonly #onRequest: LeaseRequestObserver | undefined;
  readonly #callOptions: ConfigurationOptions | undefined;
  readonly #lastSeen = new Map<string, V1Lease>();

  constructor(kc: KubeConfig, onRequest?: LeaseRequestObserver, options?: K8sLeaseClientOptions) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
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
      metadata: { name, namespace, ...(labels === undefined ? {} : { labels: { ...labels } }) },
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
      metadata: { ...seen?.metadata, name, namespace, resourceVersion: rec.resourceVersion },
      spec: { ...seen?.spec, ...toSpec(rec) },
    };
    const lease = await this.#request('update', () =>
      this.#api.replaceNamespacedLeaseWithHttpInfo({ name, namespace, body }, this.#callOptions),
    );
    return this.#remember(namespace, name, lease);
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
