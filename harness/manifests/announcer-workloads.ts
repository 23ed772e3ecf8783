import type { V1DaemonSet, V1Deployment, V1EnvVar, V1SecurityContext } from '@kubernetes/client-node';
import { announcerFlags } from './announcer-flags.js';
import {
  AGENT_METRICS_PORT,
  AGENT_WORKLOAD_NAMESPACE,
  agentWorkloadNames,
  type ManifestOptions,
  OPERATOR_METRICS_PORT,
  systemNamespace,
} from './manifest-options.js';
import { ECHO_SELECTOR, RUN_LABEL } from './scenario-objects.js';

/** The agent pods' name label; runners select this run's agents by it and the run label. */
export const AGENT_SELECTOR = { 'app.kubernetes.io/name': 'l2bench-announcer' };
const OPERATOR_SELECTOR = { 'app.kubernetes.io/name': 'l2bench-ipam-operator' };

/** The Node the pod runs on: the agent's identity, the echo server's first body line. */
const NODE_NAME_ENV: V1EnvVar = {
  name: 'NODE_NAME',
  valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
};

/** The API server endpoint the pods use, when the backend gives one (see {@link ManifestOptions.apiServer}). */
function apiServerEnv(o: ManifestOptions): V1EnvVar[] {
  return o.apiServer
    ? [
        { name: 'KUBERNETES_SERVICE_HOST', value: o.apiServer.host },
        { name: 'KUBERNETES_SERVICE_PORT', value: String(o.apiServer.port) },
      ]
    : [];
}

/** What ip addr add/del and arping need, and nothing else. */
const AGENT_SECURITY: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
};
const UNPRIVILEGED: V1SecurityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/** Agents, operator and echo pods are benchmark subjects, not guests to evict on a busy node. */
const TOLERATE_EVERYTHING = [{ operator: 'Exists' }];

/**
 * One agent per node, in the node's network namespace (it binds VIPs to the node's eth0 and sends
 * gratuitous ARP there), as the seed's cilium DaemonSet, in kube-system like it; its Leases in the
 * run's namespace. SIGTERM gives a graceful release within
 * the agent's 3 s budget; the grace period leaves room for it.
 */
export function agentDaemonSet(o: ManifestOptions): V1DaemonSet {
  const ns = systemNamespace(o.runId);
  const names = agentWorkloadNames(o.runId);
  const labels = { ...AGENT_SELECTOR, [RUN_LABEL]: o.runId };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: names.agent, namespace: AGENT_WORKLOAD_NAMESPACE, labels },
    spec: {
      selector: { matchLabels: labels },
      // A rollout is never wanted mid-run; all at once keeps redeploys short.
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%' } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: names.serviceAccount,
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          terminationGracePeriodSeconds: 5,
          tolerations: TOLERATE_EVERYTHING,
          ...(o.agentNodeSelector ? { nodeSelector: o.agentNodeSelector } : {}),
          containers: [
            {
              name: 'agent',
              image: o.image.ref,
              imagePullPolicy: o.image.pullPolicy,
              command: [...o.image.agentCommand],
              args: [
                '--node-name',
                '$(NODE_NAME)',
                '--metrics-port',
                String(AGENT_METRICS_PORT),
                '--lease-namespace',
                ns,
                ...announcerFlags(o.scenario.announcer),
              ],
              env: [NODE_NAME_ENV, ...apiServerEnv(o)],
              ports: [{ name: 'metrics', containerPort: AGENT_METRICS_PORT, protocol: 'TCP' }],
              readinessProbe: {
                httpGet: { path: '/healthz', port: AGENT_METRICS_PORT },
                periodSeconds: 2,
              },
              securityContext: AGENT_SECURITY,
            },
          ],
        },
      },
    },
  };
}

/**
 * The leader-elected IPAM operator, one replica like the seed's cilium-operator. It runs in the
 * pod network and touches no interface (`--operator-only`), so it needs no capability.
 */
export function operatorDeployment(o: ManifestOptions): V1Deployment {
  const ns = systemNamespace(o.runId);
  const names = agentWorkloadNames(o.runId);
  const labels = { ...OPERATOR_SELECTOR, [RUN_LABEL]: o.runId };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.operator, namespace: AGENT_WORKLOAD_NAMESPACE, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: names.serviceAccount,
          terminationGracePeriodSeconds: 5,
          tolerations: TOLERATE_EVERYTHING,
          containers: [
            {
              name: 'operator',
              image: o.image.ref,
              imagePullPolicy: o.image.pullPolicy,
              command: [...o.image.agentCommand],
              args: [
                '--operator-only',
                '--node-name',
                '$(NODE_NAME)',
                '--metrics-port',
                String(OPERATOR_METRICS_PORT),
                '--lease-namespace',
                ns,
                ...announcerFlags(o.scenario.announcer),
              ],
              env: [NODE_NAME_ENV, ...apiServerEnv(o)],
              ports: [{ name: 'metrics', containerPort: OPERATOR_METRICS_PORT, protocol: 'TCP' }],
              securityContext: UNPRIVILEGED,
            },
          ],
        },
      },
    },
  };
}

/**
 * The seed's echo backend behind the LoadBalancer Services: one replica per agent node, spread
 * over nodes, listening on the Services' targetPort (kube-proxy maps port → targetPort here).
 */
export function echoDeployment(o: ManifestOptions): V1Deployment {
  const s = o.scenario;
  const labels = { ...ECHO_SELECTOR, [RUN_LABEL]: o.runId };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `l2bench-echo-${o.runId}`, namespace: s.services.namespace, labels },
    spec: {
      replicas: s.nodes.count + s.nodes.unselected.count,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          tolerations: TOLERATE_EVERYTHING,
          ...(o.agentNodeSelector ? { nodeSelector: o.agentNodeSelector } : {}),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels },
            },
          ],
          containers: [
            {
              name: 'echo',
              image: o.image.ref,
              imagePullPolicy: o.image.pullPolicy,
              command: [...o.image.echoCommand],
              args: ['$(NODE_NAME)', String(s.services.echo.targetPort)],
              env: [NODE_NAME_ENV],
              ports: [{ name: 'http', containerPort: s.services.echo.targetPort, protocol: 'TCP' }],
              readinessProbe: { tcpSocket: { port: s.services.echo.targetPort }, periodSeconds: 2 },
              securityContext: UNPRIVILEGED,
            },
          ],
        },
      },
    },
  };
}
