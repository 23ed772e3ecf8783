import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

/** How the kubeconfig's user authenticates: a client certificate, or a bearer token. */
export type KubeconfigCredential = { certPem: string; keyPem: string } | { token: string };

export type KubeconfigSpec = {
  path: string;
  clusterName: string;
  server: string;
  caPem: string;
  user: string;
} & KubeconfigCredential;

/** Writes a self-contained kubeconfig (data embedded, so it can be copied anywhere). */
export function writeKubeconfig(spec: KubeconfigSpec): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const user =
    'token' in spec
      ? { token: spec.token }
      : { 'client-certificate-data': b64(spec.certPem), 'client-key-data': b64(spec.keyPem) };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: spec.clusterName,
        cluster: { server: spec.server, 'certificate-authority-data': b64(spec.caPem) },
      },
    ],
    users: [{ name: spec.user, user }],
    contexts: [{ name: spec.clusterName, context: { cluster: spec.clusterName, user: spec.user } }],
    'current-context': spec.clusterName,
  };
  writeFileSync(spec.path, stringify(doc), { mode: 0o600 });
  return spec.path;
}
