import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import type { StartedLocalCluster } from '../backends/local/local-cluster.js';
import { MeasureError } from '../errors.js';
import { RUN_LABEL } from '../manifests/scenario-objects.js';
import { repoRoot } from '../paths.js';
import type { Calibration } from './calibration-schema.js';

/** Lease namespace and names the load uses: kube-system, as Cilium's agents do. */
const NAMESPACE = 'kube-system';
const LEASE_PREFIX = 'l2b-calibration-';
const K6_SCRIPT = join(repoRoot, 'scenarios', 'k6', 'lease-calibration.ts');
/** The k6 script's own limit (scenarios/k6/lease-calibration.ts). */
export const MAX_CALIBRATION_RATE = 500;
export type LoadVerb = 'GET' | 'PUT';

/** VUs for a rate: a request takes a few ms; headroom for a slow second. */
export function vusFor(rate: number): { vus: number; maxVus: number } {
  const vus = Math.max(2, Math.ceil(rate / 20));
  return { vus, maxVus: Math.min(200, vus * 4) };
}

/** An identity of a kubeconfig, as files k6 can open (token, or embedded client certificate). */
export function identityFiles(
  kubeconfigPath: string,
  dir: string,
): { env: Record<string, string>; kind: Calibration['identity'] } {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const user = kc.getCurrentUser();
  mkdirSync(dir, { recursive: true });
  const write = (name: string, data: string) => {
    const p = join(dir, name);
    writeFileSync(p, data, { mode: 0o600 });
    return p;
  };
  if (user?.token) return { env: { TOKEN_FILE: write('token', user.token) }, kind: 'bearer-token' };
  if (user?.certData && user.keyData)
    return {
      env: {
        CERT_FILE: write('cert.pem', Buffer.from(user.certData, 'base64').toString()),
        KEY_FILE: write('key.pem', Buffer.from(user.keyData, 'base64').toString()),
      },
      kind: 'client-certificate',
    };
  throw new MeasureError(`calibrate: ${kubeconfigPath} has neither a token nor embedded client certificate`);
}

/** Leases `<prefix>from` … `<prefix>to` (one per VU), held by `holder`, labelled with the run. */
export async function createLoadLeases(
  admin: KubeConfig,
  runId: string,
  holder: string,
  range: { from: number; to: number },
): Promise<void> {
  const leases = admin.makeApiClient(CoordinationV1Api);
  for (let i = range.from; i <= range.to; i++)
    await leases.createNamespacedLease({
      namespace: NAMESPACE,
      body: {
        metadata: { name: `${LEASE_PREFIX}${i}`, labels: { [RUN_LABEL]: runId } },
        spec: { holderIdentity: holder, leaseDurationSeconds: 15 },
      },
    });
}

/** A running fixed-rate Lease load. */
export interface LeaseLoad {
  readonly running: boolean;
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts k6 (scenarios/k6/lease-calibration.ts) in the cluster's client namespace: `rate` pure
 * Lease GETs or PUTs per second for `seconds`, with the identity in `identityEnv`. Bounded by k6's
 * own duration; the caller stops it after its window.
 */
export async function startLeaseLoad(
  cluster: StartedLocalCluster,
  o: { k6: string; verb: LoadVerb; rate: number; seconds: number; identityEnv: Record<string, string> },
): Promise<LeaseLoad> {
  if (!(o.rate > 0 && o.rate <= MAX_CALIBRATION_RATE))
    throw new MeasureError(`calibrate: rate ${o.rate} must be in (0, ${MAX_CALIBRATION_RATE}] requests/s`);
  const { vus, maxVus } = vusFor(o.rate);
  const name = `k6-calibrate-${o.verb}-${o.rate}`;
  return cluster.startInNamespace(cluster.network.client.netns, {
    name,
    command: o.k6,
    args: [
      'run',
      '--quiet',
      '--summary-mode=disabled',
      '--no-usage-report',
      '--no-color',
      '--address=',
      '--include-system-env-vars=false',
      ...Object.entries({
        API: cluster.apiServerUrl,
        VERB: o.verb,
        RATE: String(o.rate),
        DURATION_S: String(Math.ceil(o.seconds)),
        NAMESPACE,
        LEASE_PREFIX,
        VUS: String(vus),
        MAX_VUS: String(maxVus),
        ...o.identityEnv,
      }).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      K6_SCRIPT,
    ],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
    logFile: join(cluster.workDir, 'logs', `${name}.log`),
  });
}
