import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import { httpsGet, type TlsIdentity } from '../util/https-get.js';

/** What {@link waitApiServerReady} polls, and how it learns the control plane died meanwhile. */
export interface ApiReadyProbe {
  apiServerUrl: string;
  tls: TlsIdentity;
  timeoutMs: number;
  pollMs: number;
  /** Throws a {@link BackendError} naming the log to read when a control-plane part has exited. */
  assertAlive: () => void | Promise<void>;
}

/** Polls kube-apiserver's /readyz until it answers 200 (or a part dies, or time runs out). */
export async function waitApiServerReady(p: ApiReadyProbe): Promise<void> {
  const deadline = Date.now() + p.timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    await p.assertAlive();
    try {
      const r = await httpsGet(`${p.apiServerUrl}/readyz`, p.tls, 2000);
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, p.pollMs));
  }
  throw new BackendError(`kube-apiserver not ready after ${p.timeoutMs}ms (last: ${last})`);
}

/**
 * Waits until each named Lease in kube-system has a holder: kube-controller-manager and
 * kube-scheduler are past their start (a kubelet-style restart while bootstrap RBAC was missing).
 */
export async function waitComponentLeases(
  kc: KubeConfig,
  names: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const api = kc.makeApiClient(CoordinationV1Api);
  const deadline = Date.now() + timeoutMs;
  let missing = [...names];
  while (Date.now() < deadline) {
    const held = await Promise.all(
      missing.map((name) =>
        api
          .readNamespacedLease({ name, namespace: 'kube-system' })
          .then((l) => Boolean(l.spec?.holderIdentity))
          .catch(() => false),
      ),
    );
    missing = missing.filter((_, i) => !held[i]);
    if (missing.length === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new BackendError(
    `${missing.join(' and ')} took no leader Lease within ${timeoutMs}ms: see the control plane's log`,
  );
}
