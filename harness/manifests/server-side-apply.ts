import { request } from 'node:https';
import { type KubeConfig, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';

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
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new BackendError('kubeconfig has no current cluster: select a context');
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
    const url = new URL(`${server.replace(/\/$/, '')}${path}?${query}`);
    const res = await send(kc, url, JSON.stringify(obj), opts.timeoutMs ?? 30_000);
    if (res.status >= 300) {
      let detail = res.body;
      try {
        detail = (JSON.parse(res.body) as { message?: string }).message ?? detail;
      } catch {}
      throw new BackendError(`apply ${what} failed (HTTP ${res.status}): ${detail.split('\n')[0]}`);
    }
  }
}

async function send(
  kc: KubeConfig,
  url: URL,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const options: Parameters<KubeConfig['applyToHTTPSOptions']>[0] = {
    method: 'PATCH',
    headers: { 'content-type': 'application/apply-patch+yaml', accept: 'application/json' },
    timeout: timeoutMs,
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () =>
      req.destroy(new BackendError(`PATCH ${url.pathname} timed out after ${timeoutMs}ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}
