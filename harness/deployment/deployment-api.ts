import {
  ApiextensionsV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1Service,
} from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import { applyManifests } from '../manifests/apply-manifests.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { retryTransient } from '../util/retry-transient.js';
import { type RunObjects, removeRunObjects } from './remove-run-objects.js';
import { resetAnnouncerObjects } from './reset-announcer-objects.js';

/**
 * The API calls {@link AnnouncerDeployment} makes, as one seam: the real one over a KubeConfig
 * ({@link kubeDeploymentApi}), a fake in the deployment's unit test.
 */
export interface DeploymentApi {
  /** Create-or-replace of each object, in order. */
  apply(objects: readonly KubernetesObject[]): Promise<void>;
  /** Whether a cluster-scoped CRD or Namespace of that name exists. */
  exists(kind: 'CustomResourceDefinition' | 'Namespace', name: string): Promise<boolean>;
  createService(service: V1Service): Promise<void>;
  listServices(namespace: string, labelSelector: string): Promise<V1Service[]>;
  /** Deletes a variant's services (unless kept) and Leases, applies the next pool and policy. */
  resetObjects(o: {
    runId: string;
    vipCidr: string;
    from: ResolvedScenario;
    to: ResolvedScenario;
    servicesExist: boolean;
    leaseNamespace: string;
    signal?: AbortSignal | undefined;
  }): Promise<{ servicesKept: boolean }>;
  removeRunObjects(o: RunObjects): Promise<BackendError[]>;
}

/** The deployment's API calls against a real API server. */
export function kubeDeploymentApi(kc: KubeConfig): DeploymentApi {
  const core = kc.makeApiClient(CoreV1Api);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  // Absent only on 404: a 503 from a restarting API server must not read as absent (the run would
  // then count a namespace it did not make as its own, and delete it at the end).
  const found = (read: () => Promise<unknown>) =>
    retryTransient(read).then(
      () => true,
      (err: unknown) => {
        if ((err as { code?: number }).code === 404) return false;
        throw err;
      },
    );
  return {
    apply: (objects) => applyManifests(kc, objects),
    exists: (kind, name) =>
      found(() =>
        kind === 'Namespace' ? core.readNamespace({ name }) : ext.readCustomResourceDefinition({ name }),
      ),
    createService: async (body) => {
      const { namespace = '', name = '' } = body.metadata ?? {};
      try {
        await core.createNamespacedService({ namespace, body });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err;
        throw new BackendError(
          `service ${namespace}/${name} exists already and is not this run's: remove it, or set services.namespace to a namespace of its own`,
          { cause: err },
        );
      }
    },
    listServices: async (namespace, labelSelector) =>
      (await core.listNamespacedService({ namespace, labelSelector })).items,
    resetObjects: (o) => resetAnnouncerObjects(kc, o),
    removeRunObjects: (o) => removeRunObjects(kc, o),
  };
}
