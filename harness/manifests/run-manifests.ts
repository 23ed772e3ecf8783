import { join } from 'node:path';
import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { repoRoot } from '../paths.js';
import { announcerRbac } from './announcer-rbac.js';
import { agentDaemonSet, echoDeployment, operatorDeployment } from './announcer-workloads.js';
import { readManifestDir } from './apply-manifests.js';
import { type ManifestOptions, systemNamespace } from './manifest-options.js';
import { announcementObjects, planServices, RUN_LABEL, serviceObject } from './scenario-objects.js';

/** The CRDs (pool, policy): announcer/deploy/crds, shared with the local backend. Cluster-scoped, unlabelled. */
export function crdManifests(): KubernetesObject[] {
  return readManifestDir(join(repoRoot, 'announcer', 'deploy', 'crds'));
}

/** A Namespace labelled with the run. */
export function namespaceManifest(name: string, runId: string): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [RUN_LABEL]: runId } } };
}

/**
 * Everything a run deploys before its services, in apply order: the run's namespace, RBAC, pool
 * and policy, the operator, the agent DaemonSet and the echo backend. Every object carries
 * `l2bench.io/run=<id>`. The services' namespace is not included: it may exist already (`default`),
 * and a backend creates it only when absent.
 */
export function runManifests(o: ManifestOptions): KubernetesObject[] {
  return [
    namespaceManifest(systemNamespace(o.runId), o.runId) as KubernetesObject,
    ...announcerRbac(o),
    ...announcementObjects(o.scenario, o.vipCidr, o.runId),
    operatorDeployment(o) as KubernetesObject,
    agentDaemonSet(o) as KubernetesObject,
    echoDeployment(o) as KubernetesObject,
  ];
}

/** The scenario's Services (announced LoadBalancer, unannounced LoadBalancer, ClusterIP), labelled with the run. */
export function serviceManifests(o: Pick<ManifestOptions, 'runId' | 'scenario'>): KubernetesObject[] {
  return planServices(o.scenario).map((p) => serviceObject(p, o.scenario, o.runId) as KubernetesObject);
}
