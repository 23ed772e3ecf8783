import type { KubernetesObject, V1PolicyRule } from '@kubernetes/client-node';
import {
  AGENT_WORKLOAD_NAMESPACE,
  agentWorkloadNames,
  type ManifestOptions,
  systemNamespace,
} from './manifest-options.js';
import { RUN_LABEL } from './scenario-objects.js';

/** ServiceAccount (in kube-system) the local and docker backends' agents and operator run as. */
export const ANNOUNCER_SERVICE_ACCOUNT = 'l2bench-announcer';

/**
 * Cluster-wide rules of the announcer, verb by verb what announcer/ calls (the same list as the
 * `l2bench:announcer` ClusterRole in announcer/deploy/rbac.yaml; a test keeps them equal):
 * services are watched in every namespace, the operator writes their status, Nodes are read for
 * the policy's nodeSelector, pools and policies are cluster-scoped CRDs, Events go to the
 * service's namespace or `default`.
 */
export const ANNOUNCER_CLUSTER_RULES: readonly V1PolicyRule[] = [
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['services/status'], verbs: ['update', 'patch'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  {
    apiGroups: ['cilium.io'],
    resources: ['ciliumloadbalancerippools', 'ciliuml2announcementpolicies'],
    verbs: ['get', 'list', 'watch'],
  },
  { apiGroups: ['cilium.io'], resources: ['ciliumloadbalancerippools/status'], verbs: ['update', 'patch'] },
];

/**
 * Election: get/create/update (a release is an update), list/watch; delete for Cilium's lease GC.
 * Granted per namespace only.
 */
export const LEASE_RULES: readonly V1PolicyRule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'create', 'update', 'list', 'watch', 'delete'],
  },
];

/**
 * ServiceAccount (kube-system, as Cilium's), lease Role(s) and the cluster rules, bound to it. Leases are
 * granted in the run's namespace (cilium-style and operator leases) and, for kube-vip-style names,
 * in the services' namespace, never cluster-wide. Cluster-scoped names carry the run id, so two
 * runs on one cluster do not share or delete each other's roles.
 */
export function announcerRbac(o: Pick<ManifestOptions, 'runId' | 'scenario'>): KubernetesObject[] {
  const ns = systemNamespace(o.runId);
  const labels = { [RUN_LABEL]: o.runId, 'app.kubernetes.io/part-of': 'l2bench' };
  const { serviceAccount } = agentWorkloadNames(o.runId);
  const subject = { kind: 'ServiceAccount', name: serviceAccount, namespace: AGENT_WORKLOAD_NAMESPACE };
  const clusterName = `l2bench:announcer:${o.runId}`;
  const leaseNamespaces = [ns];
  if (o.scenario.announcer.leaseNameStyle === 'kube-vip') leaseNamespaces.push(o.scenario.services.namespace);
  const out: KubernetesObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: serviceAccount, namespace: AGENT_WORKLOAD_NAMESPACE, labels },
    } as KubernetesObject,
  ];
  for (const leaseNs of leaseNamespaces) {
    const meta = { name: 'l2bench:announcer-leases', namespace: leaseNs, labels };
    out.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta,
        rules: LEASE_RULES,
      } as KubernetesObject,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: meta.name },
        subjects: [subject],
      } as KubernetesObject,
    );
  }
  out.push(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: clusterName, labels },
      rules: ANNOUNCER_CLUSTER_RULES,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [subject],
    } as KubernetesObject,
  );
  return out;
}
