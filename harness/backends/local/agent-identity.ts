import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { writeKubeconfig } from '../../cluster/kubeconfig-file.js';
import { ANNOUNCER_SERVICE_ACCOUNT } from '../../manifests/announcer-rbac.js';
import { AGENT_WORKLOAD_NAMESPACE } from '../../manifests/manifest-options.js';
import { RUN_LABEL } from '../../manifests/scenario-objects.js';

/**
 * Where the agents' ServiceAccount lives: kube-system, like Cilium's `cilium` ServiceAccount and
 * the kind and cluster backends' agents ({@link AGENT_WORKLOAD_NAMESPACE}, which says why).
 */
export const AGENT_SA_NAMESPACE = AGENT_WORKLOAD_NAMESPACE;

/**
 * A bound token's lifetime. The TokenRequest default is one hour and kubelet refreshes a pod's
 * token at 80% of it; our agents read their kubeconfig once, so the token must outlive any run.
 */
export const AGENT_TOKEN_SECONDS = 24 * 3600;

/**
 * The agents' ServiceAccount and bindings to the roles announcer/deploy/rbac.yaml defines
 * (least privilege, verb by verb there). Leases in any namespace only for kube-vip-style names.
 */
export function agentServiceAccountObjects(runId: string, leasesAnyNamespace: boolean): KubernetesObject[] {
  const labels = { [RUN_LABEL]: runId };
  const subjects = [
    { kind: 'ServiceAccount', name: ANNOUNCER_SERVICE_ACCOUNT, namespace: AGENT_SA_NAMESPACE },
  ];
  const rbac = 'rbac.authorization.k8s.io';
  const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', roleKind: string, role: string) =>
    ({
      apiVersion: `${rbac}/v1`,
      kind,
      metadata: {
        name: `${role}:sa`,
        labels,
        ...(kind === 'RoleBinding' ? { namespace: AGENT_SA_NAMESPACE } : {}),
      },
      roleRef: { apiGroup: rbac, kind: roleKind, name: role },
      subjects,
    }) as KubernetesObject;
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: ANNOUNCER_SERVICE_ACCOUNT, namespace: AGENT_SA_NAMESPACE, labels },
    } as KubernetesObject,
    binding('RoleBinding', 'Role', 'l2bench:announcer-leases'),
    binding('ClusterRoleBinding', 'ClusterRole', 'l2bench:announcer'),
    ...(leasesAnyNamespace
      ? [binding('ClusterRoleBinding', 'ClusterRole', 'l2bench:announcer-leases-any-namespace')]
      : []),
  ];
}

export interface AgentTokenSpec {
  kc: KubeConfig;
  workDir: string;
  nodeIndex: number;
  clusterName: string;
  server: string;
  caPem: string;
}

/**
 * A bound token for one node's agent from the TokenRequest API, as the kubelet projects one into a
 * DaemonSet pod (no pod here, so the token is bound to the ServiceAccount only), written into a
 * kubeconfig. No audiences: the API server's default, its `--service-account-issuer`.
 */
export async function writeAgentTokenKubeconfig(s: AgentTokenSpec): Promise<string> {
  const core = s.kc.makeApiClient(CoreV1Api);
  const tr = await core.createNamespacedServiceAccountToken({
    name: ANNOUNCER_SERVICE_ACCOUNT,
    namespace: AGENT_SA_NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: AGENT_TOKEN_SECONDS } },
  });
  const token = tr.status?.token;
  if (!token)
    throw new Error(`TokenRequest for ${AGENT_SA_NAMESPACE}/${ANNOUNCER_SERVICE_ACCOUNT} returned no token`);
  return writeKubeconfig({
    path: join(s.workDir, `node-${s.nodeIndex}.sa.kubeconfig`),
    clusterName: s.clusterName,
    server: s.server,
    caPem: s.caPem,
    user: `system:serviceaccount:${AGENT_SA_NAMESPACE}:${ANNOUNCER_SERVICE_ACCOUNT}`,
    token,
  });
}
