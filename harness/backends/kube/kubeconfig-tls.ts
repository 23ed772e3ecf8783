import type { KubeConfig } from '@kubernetes/client-node';
import { BackendError } from '../../errors.js';
import type { TlsIdentity } from '../../util/https-get.js';

/**
 * The client-certificate identity of a kubeconfig's current context, for scraping the API
 * server's /metrics (kind's admin kubeconfig embeds certificate, key and CA as base64 data).
 */
export function kubeconfigTls(kc: KubeConfig): TlsIdentity {
  const user = kc.getCurrentUser();
  const cluster = kc.getCurrentCluster();
  const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);
  const ca = b64(cluster?.caData);
  const cert = b64(user?.certData);
  const key = b64(user?.keyData);
  if (!ca || !cert || !key)
    throw new BackendError(
      `context ${kc.getCurrentContext()}: /metrics is scraped with a client certificate; this context's user has none embedded (certificate-authority-data, client-certificate-data, client-key-data)`,
    );
  return { ca, cert, key };
}
