import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import { AGENT_WORKLOAD_NAMESPACE } from '../manifests/manifest-options.js';
import { RUN_LABEL } from '../manifests/scenario-objects.js';
import { retryTransient } from '../util/retry-transient.js';

/** What a run made on a cluster that outlives it, beside what carries its run label. */
export interface RunObjects {
  runId: string;
  servicesNamespace: string;
  /** Namespaces the run created (they take their agents, operator, Leases and RBAC with them). */
  createdNamespaces: readonly string[];
  /** CRDs the run created: only those, never ones that were there before. */
  createdCrds: readonly string[];
}

/**
 * Removes, newest first, exactly what a run created on a cluster: its labelled services, echo
 * Deployments, roles, cluster roles, pool and policy, then the namespaces and CRDs it created.
 * Every failure but a 404 is returned (the caller throws them together), none stops the rest.
 * Deletes are idempotent, so a transient failure is retried (harness/util/retry-transient.ts).
 */
export async function removeRunObjects(kc: KubeConfig, o: RunObjects): Promise<BackendError[]> {
  const errors: BackendError[] = [];
  // A restarting API server (503, refused) is retried, within one 30 s budget for the whole
  // teardown: a server that stays down costs 30 s, not 30 s per call.
  const deadline = Date.now() + 30_000;
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    try {
      await retryTransient(f, { budgetMs: Math.max(0, deadline - Date.now()) });
    } catch (err) {
      if ((err as { code?: number }).code !== 404)
        errors.push(new BackendError(`teardown: ${what}: ${String(err)}`, { cause: err }));
    }
  };
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const svcNs = o.servicesNamespace;
  const sel = { labelSelector: `${RUN_LABEL}=${o.runId}` };
  await attempt('services', async () => {
    for (const s of (await core.listNamespacedService({ namespace: svcNs, ...sel })).items)
      await core.deleteNamespacedService({ namespace: svcNs, name: s.metadata?.name ?? '' });
  });
  await attempt('echo', () => apps.deleteCollectionNamespacedDeployment({ namespace: svcNs, ...sel }));
  // Agents, operator and their ServiceAccount live in kube-system, as Cilium's (by label: nothing
  // else there is touched).
  const sys = AGENT_WORKLOAD_NAMESPACE;
  await attempt('agents', () => apps.deleteCollectionNamespacedDaemonSet({ namespace: sys, ...sel }));
  await attempt('operator', () => apps.deleteCollectionNamespacedDeployment({ namespace: sys, ...sel }));
  await attempt('service account', () =>
    core.deleteCollectionNamespacedServiceAccount({ namespace: sys, ...sel }),
  );
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await attempt('roles', async () => {
    await rbac.deleteCollectionNamespacedRoleBinding({ namespace: svcNs, ...sel });
    await rbac.deleteCollectionNamespacedRole({ namespace: svcNs, ...sel });
  });
  await attempt('cluster roles', async () => {
    await rbac.deleteCollectionClusterRoleBinding(sel);
    await rbac.deleteCollectionClusterRole(sel);
  });
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const plural of ['ciliumloadbalancerippools', 'ciliuml2announcementpolicies'])
    await attempt(plural, () =>
      custom.deleteCollectionClusterCustomObject({ group: 'cilium.io', version: 'v2alpha1', plural, ...sel }),
    );
  for (const ns of [...o.createdNamespaces].reverse())
    await attempt(`namespace ${ns}`, () => core.deleteNamespace({ name: ns }));
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const name of o.createdCrds)
    await attempt(`CRD ${name}`, () => ext.deleteCustomResourceDefinition({ name }));
  return errors;
}
