import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyManifests } from '../manifests/apply-manifests.js';
import {
  announcementObjects,
  planServices,
  RUN_LABEL,
  serviceObject,
} from '../manifests/scenario-objects.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { sleep } from '../shutdown-signal.js';
import { LEASE_NAMESPACE } from './announcing-node.js';

/**
 * Leases an agent makes for services: per-service (both name styles), bucket and node Leases, and
 * kube-vip's one services Lease (`plndr-svcs-lock`, its services-lease mode).
 */
export const ANNOUNCER_LEASE = /^(cilium-l2announce-|kubevip-|l2bench-shard-|l2bench-node-|plndr-svcs-lock$)/;

/** Pause after deleting a variant's objects, so the deletions' writes are done before the next window. */
const RECONFIGURE_SETTLE_MS = 3000;

/** Runs `fn` over `items`, 16 requests at a time. */
export async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += 16) await Promise.all(items.slice(i, i + 16).map(fn));
}

/**
 * The API side of readying a cluster for the next variant, once its agents are stopped: deletes
 * the run's services (unless the next scenario would create them identically: then they are kept,
 * with their addresses, since IPAM assigns about one a second on a loaded host) and every Lease the
 * announcer made (the IPAM operator's stays), and applies the next scenario's pool and policy.
 * Then waits {@link RECONFIGURE_SETTLE_MS} (less if `signal` aborts). Returns whether the services
 * were kept; the caller's next `createServices` adopts them then.
 */
export async function resetAnnouncerObjects(
  kc: KubeConfig,
  o: {
    runId: string;
    vipCidr: string;
    from: ResolvedScenario;
    to: ResolvedScenario;
    /** Whether the previous variant had created its services. */
    servicesExist: boolean;
    signal?: AbortSignal | undefined;
  },
): Promise<{ servicesKept: boolean }> {
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = o.from.services.namespace;
  const objects = (s: ResolvedScenario) =>
    JSON.stringify(planServices(s).map((p) => serviceObject(p, s, o.runId)));
  const keep = o.servicesExist && objects(o.to) === objects(o.from);
  if (!keep) {
    const services = await core.listNamespacedService({
      namespace,
      labelSelector: `${RUN_LABEL}=${o.runId}`,
    });
    await inBatches(services.items, (svc) =>
      core.deleteNamespacedService({ namespace, name: svc.metadata?.name ?? '' }),
    );
  }
  const coordination = kc.makeApiClient(CoordinationV1Api);
  for (const ns of new Set([LEASE_NAMESPACE, namespace])) {
    const leases = await coordination.listNamespacedLease({ namespace: ns });
    const ours = leases.items.filter((l) => ANNOUNCER_LEASE.test(l.metadata?.name ?? ''));
    await inBatches(ours, (l) =>
      coordination.deleteNamespacedLease({ namespace: ns, name: l.metadata?.name ?? '' }),
    );
  }
  await applyManifests(kc, announcementObjects(o.to, o.vipCidr, o.runId));
  await sleep(RECONFIGURE_SETTLE_MS, o.signal);
  return { servicesKept: keep };
}
