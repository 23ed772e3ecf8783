import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { BackendError } from '../errors.js';
import { retryTransient } from '../util/retry-transient.js';

/** Kinds that have no namespace; a `metadata.namespace` on them (as in the seed) is dropped. */
const CLUSTER_SCOPED = new Set([
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Namespace',
  'Node',
  'CiliumLoadBalancerIPPool',
  'CiliumL2AnnouncementPolicy',
]);

/** Parses a multi-document YAML text into objects (empty documents skipped). */
export function parseManifests(text: string, source: string): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new BackendError(`${source}: ${doc.errors[0]?.message}`);
    const obj = doc.toJS() as KubernetesObject | null;
    if (obj && typeof obj === 'object') out.push(obj);
  }
  return out;
}

/** Reads every *.yaml file of a directory, in name order. */
export function readManifestDir(dir: string): KubernetesObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
}

/** Adds a label to an object's metadata (what the run created is labelled `l2bench.io/run=<id>`). */
export function withLabel<T extends KubernetesObject>(obj: T, key: string, value: string): T {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata?.labels ?? {}), [key]: value } } };
}

/**
 * Creates each object, or replaces it when it exists (create-or-replace, like `kubectl apply` for
 * objects we own). With `dryRun`, the API server validates without persisting (server-side dry-run).
 * An API server that answers 429/503/504 or refuses the connection (starting, restarting) is
 * retried for up to 30 s per call (client-go retries answers that carry Retry-After in the same
 * spirit); any other error fails at once.
 */
export async function applyManifests(
  kc: KubeConfig,
  objects: readonly KubernetesObject[],
  opts: { dryRun?: boolean } = {},
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const dryRun = opts.dryRun ? 'All' : undefined;
  for (const raw of objects) {
    const obj = normalize(raw);
    const what = `${obj.kind}/${obj.metadata?.name}`;
    try {
      await retryTransient(() => client.create(obj, undefined, dryRun));
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw apiError(what, err);
      try {
        const current = await retryTransient(() =>
          client.read(obj as KubernetesObject & { metadata: { name: string } }),
        );
        const body = {
          ...obj,
          metadata: { ...obj.metadata, resourceVersion: current.metadata?.resourceVersion },
        };
        await retryTransient(() => client.replace(body, undefined, dryRun));
      } catch (err2) {
        throw apiError(what, err2);
      }
    }
    if (obj.kind === 'CustomResourceDefinition' && !opts.dryRun)
      await waitEstablished(kc, obj.metadata?.name ?? '');
  }
}

function normalize(obj: KubernetesObject): KubernetesObject {
  if (!CLUSTER_SCOPED.has(obj.kind ?? '') || !obj.metadata?.namespace) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

async function waitEstablished(kc: KubeConfig, name: string, timeoutMs = 15_000): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const crd = await api.readCustomResourceDefinition({ name });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new BackendError(`CRD ${name} not Established after ${timeoutMs}ms`);
}

function apiError(what: string, err: unknown): BackendError {
  const e = err as { code?: number; body?: unknown; message?: string };
  let detail = e.message ?? String(err);
  if (typeof e.body === 'string') {
    try {
      detail = (JSON.parse(e.body) as { message?: string }).message ?? detail;
    } catch {
      detail = e.body;
    }
  }
  return new BackendError(`apply ${what} failed (HTTP ${e.code ?? '?'}): ${detail}`, { cause: err });
}
