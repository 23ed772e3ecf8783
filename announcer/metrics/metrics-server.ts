import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A listening metrics endpoint. */
export interface MetricsServer {
  /** The bound port (useful when started on port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text) and `GET /healthz` (200 `ok` when `healthy()`, else 503
 * with the reason) on `host:port`.
 */
export async function startMetricsServer(opts: {
  registry: Registry;
  port: number;
  host?: string;
  healthy: () => { ok: boolean; reason?: string };
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      opts.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
    } else if (path === '/healthz') {
      const h = opts.healthy();
      res
        .writeHead(h.ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(h.ok ? 'ok\n' : `${h.reason ?? 'unhealthy'}\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        // Scrapers keep connections alive; do not let them hold shutdown up.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
