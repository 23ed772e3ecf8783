import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';

/**
 * One raw request to the current context's API server with its credentials: for paths the typed
 * client does not cover (node proxy, server-side apply of raw JSON). Resolves with status and body.
 */
export async function kubeRequest(
  kc: KubeConfig,
  method: string,
  pathAndQuery: string,
  opts: { body?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<{ status: number; body: string }> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new BackendError('kubeconfig has no current cluster: select a context');
  const url = new URL(`${server.replace(/\/$/, '')}${pathAndQuery}`);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const options: Parameters<KubeConfig['applyToHTTPSOptions']>[0] = {
    method,
    headers: {
      accept: 'application/json',
      ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
    },
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
      req.destroy(new BackendError(`${method} ${url.pathname} timed out after ${timeoutMs}ms`)),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
