import { type KubeConfig, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import { kubeRequest } from '../util/kube-request.js';

/** Field manager of everything l2bench applies; `kubectl get --show-managed-fields` names it. */
export const FIELD_MANAGER = 'l2bench';

/** Exposes the client's discovery-based path lookup (protected upstream). */
class PathResolver extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig): PathResolver {
    // kc.makeApiClient constructs the given class, so the subclass keeps its method.
    const r = kc.makeApiClient(PathResolver);
    r.setDefaultNamespace(kc);
    return r;
  }

  path(obj: KubernetesObject): Promise<string> {
    return this.specUriPath(obj, 'patch');
  }
}

/**
 * Server-side apply (`kubectl apply --server-side [--dry-run=server]`) of each object as written:
 * the raw JSON, not the client's typed serialization, which would silently drop a misspelt field.
 * `fieldValidation=Strict` makes the API server reject unknown and duplicate fields, so with
 * `dryRun` this is a schema check by the real API server that persists nothing.
 */
export async function serverSideApply(
  kc: KubeConfig,
  objects: readonly KubernetesObject[],
  opts: { dryRun?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  const resolver = PathResolver.forConfig(kc);
  for (const obj of objects) {
    const what = `${obj.kind}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    let path: string;
    try {
      path = await resolver.path(obj);
    } catch (err) {
      throw new BackendError(`apply ${what}: the API server does not serve ${obj.apiVersion} ${obj.kind}`, {
        cause: err,
      });
    }
    const query = new URLSearchParams({
      fieldManager: FIELD_MANAGER,
      fieldValidation: 'Strict',
      force: 'true',
    });
    if (opts.dryRun) query.set('dryRun', 'All');
    const res = await kubeRequest(kc, 'PATCH', `${path}?${query}`, {
      body: JSON.stringify(obj),
      contentType: 'application/apply-patch+yaml',
      timeoutMs: opts.timeoutMs ?? 30_000,
    });
    if (res.status >= 300) {
      let detail = res.body;
      try {
        detail = (JSON.parse(res.body) as { message?: string }).message ?? detail;
      } catch {}
      throw new BackendError(`apply ${what} failed (HTTP ${res.status}): ${detail.split('\n')[0]}`);
    }
  }
}
