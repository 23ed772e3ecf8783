import { request } from 'node:https';

export interface TlsIdentity {
  ca: string;
  cert?: string;
  key?: string;
}

/** GET over HTTPS with a client certificate; resolves with status and body, rejects on network errors. */
export function httpsGet(
  url: string,
  tls: TlsIdentity,
  timeoutMs = 5000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}
