import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import { ANNOUNCER_SERVICE_ACCOUNT } from '../manifests/announcer-rbac.js';
import { AGENT_WORKLOAD_NAMESPACE } from '../manifests/manifest-options.js';
import type { TimersMs } from '../scenario/peer-rules.js';

/**
 * kube-vip as a peer implementation, read from its v1.0.0 source:
 * - `kube-vip manager` with `svc_enable` + `svc_election` runs one client-go `leaderelection` per
 *   LoadBalancer service that has an address (pkg/services/leader.go): Lease `kubevip-<service>`
 *   in the service's namespace, identity `vip_nodename`, ReleaseOnCancel. With `vip_arp` the
 *   holder binds the address on `vip_interface` and sends gratuitous ARP.
 * - SIGTERM: the handler (pkg/manager/manager_arp.go) cancels the elections' context, but `manager`
 *   returns from main without waiting for their goroutines, so the ReleaseOnCancel PUT races the
 *   process exit: a graceful stop releases some leases and leaves others to expire. Its graceful
 *   takeover is bounded like a crash (lease + 2.2 retry periods), not by a release.
 * - Addresses (pkg/instance FetchServiceAddresses): the `kube-vip.io/loadbalancerIPs` annotation,
 *   else `status.loadBalancer.ingress[].ip`, else `spec.loadBalancerIP`. The bundled IPAM operator
 *   writes the status form, which kube-vip reads as is.
 * - `kube-vip.io/ignore: "true"` on a service makes kube-vip skip it: our "not announced".
 * - Timers are whole seconds (`vip_leaseduration`, `vip_renewdeadline`, `vip_retryperiod`).
 * - The kubeconfig: `manager` ignores `k8s_config_file`; it takes /etc/kubernetes/admin.conf if
 *   that exists, else `$HOME/.kube/config`. So each node's process gets its own HOME holding that
 *   node's kubeconfig, and a host with /etc/kubernetes/admin.conf is refused (kube-vip would talk
 *   to that cluster instead of ours).
 */
export const KUBE_VIP_LEASE_PREFIX = 'kubevip-';

/** Annotation kube-vip v1.0.0 honours to leave a service alone. */
export const KUBE_VIP_IGNORE_ANNOTATION = 'kube-vip.io/ignore';

/** Its metrics port (`prometheus_server`), inside each node namespace. */
export const KUBE_VIP_METRICS_PORT = 2112;

const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/**
 * kube-vip's election modes for services at v1.0.0 (pkg/manager/manager_arp.go): `per-service`
 * (`svc_election=true`) or `services-lease` (`svc_election=false`: one client-go elector on Lease
 * `svc_leasename` in `cp_namespace`; its holder watches and announces every service, and a holder
 * that loses the Lease panics, by design, to be restarted). v1.0.0 has no per-group lease name.
 */
export type KubeVipMode = 'per-service' | 'services-lease';

/** The Lease name of `services-lease` mode (kube-vip's default `svc_leasename`). */
export const KUBE_VIP_SERVICES_LEASE = 'plndr-svcs-lock';

/** The Lease kube-vip elects for a service: its own, or the one services Lease (next to the services). */
export function kubeVipLease(
  service: { name: string; namespace: string },
  mode: KubeVipMode = 'per-service',
): {
  name: string;
  namespace: string;
} {
  if (mode === 'services-lease') return { name: KUBE_VIP_SERVICES_LEASE, namespace: service.namespace };
  return { name: `${KUBE_VIP_LEASE_PREFIX}${service.name}`, namespace: service.namespace };
}

/** The environment of `kube-vip manager` for one node. */
export function kubeVipEnv(o: {
  nodeName: string;
  ifname: string;
  home: string;
  timers: TimersMs;
  mode?: KubeVipMode;
  /** Where the `services-lease` Lease lives (`cp_namespace`): the services' namespace. */
  leaseNamespace?: string;
}): Record<string, string> {
  const perService = (o.mode ?? 'per-service') === 'per-service';
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: o.home,
    vip_nodename: o.nodeName,
    vip_interface: o.ifname,
    vip_arp: 'true',
    svc_enable: 'true',
    svc_election: String(perService),
    ...(perService
      ? {}
      : { svc_leasename: KUBE_VIP_SERVICES_LEASE, cp_namespace: o.leaseNamespace ?? 'default' }),
    cp_enable: 'false',
    vip_leaseduration: String(o.timers.leaseDurationMs / 1000),
    vip_renewdeadline: String(o.timers.renewDeadlineMs / 1000),
    vip_retryperiod: String(o.timers.retryPeriodMs / 1000),
    prometheus_server: `:${KUBE_VIP_METRICS_PORT}`,
  };
}

/**
 * Writes `<home>/.kube/config` (a copy of the node's kubeconfig) for kube-vip's HOME. Throws when
 * /etc/kubernetes/admin.conf exists: kube-vip would prefer it to ours (see above).
 */
export async function prepareKubeVipHome(home: string, kubeconfigPath: string): Promise<void> {
  if (existsSync(ADMIN_CONF)) {
    throw new BackendError(
      `${ADMIN_CONF} exists: kube-vip v1.0.0 would use it instead of the run's kubeconfig (and reach that cluster); run kube-vip scenarios on a machine without it`,
    );
  }
  await mkdir(join(home, '.kube'), { recursive: true });
  await copyFile(kubeconfigPath, join(home, '.kube', 'config'));
}

/**
 * Least privilege for kube-vip's services mode with ARP, bound to the kube-system ServiceAccount
 * whose tokens it runs with and to each node's certificate identity (`l2bench:announcer:<node>`):
 *   services          get/list/watch (watcher), update (the `kube-vip.io/vipHost` annotation)
 *   services/status   update (it rewrites status.loadBalancer.ingress with ports)
 *   leases            get/create/update, any namespace (`kubevip-<svc>` next to the service)
 * No endpoints/endpointslices: only `externalTrafficPolicy: Local` services need them (ours are Cluster).
 */
export function kubeVipRbacObjects(
  nodeNames: readonly string[],
  labels: Record<string, string>,
): KubernetesObject[] {
  const name = 'l2bench:kube-vip';
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules: [
        { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch', 'update'] },
        { apiGroups: [''], resources: ['services/status'], verbs: ['update'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      ],
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [
        // The kube-system ServiceAccount whose tokens the runner gives kube-vip, as a DaemonSet's.
        { kind: 'ServiceAccount', name: ANNOUNCER_SERVICE_ACCOUNT, namespace: AGENT_WORKLOAD_NAMESPACE },
        ...nodeNames.map((n) => ({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: `l2bench:announcer:${n}`,
        })),
      ],
    } as KubernetesObject,
  ];
}
