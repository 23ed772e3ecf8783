import {
  CoreV1Api,
  type CoreV1Event,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Service,
} from '@kubernetes/client-node';
import type { IpamEvent, IpamOperatorApi } from './ipam-operator.js';
import { type LbIpPool, lbIpPoolResource } from './lb-ip-pool.js';

/**
 * {@link IpamOperatorApi} over the real API: reads come from the agent's informer caches, writes
 * go to the status subresources as JSON merge patches (a merge patch replaces lists whole, which
 * is what `ingress` and `conditions` need, and needs no resourceVersion round trip).
 */
export function ipamK8sApi(opts: {
  kc: KubeConfig;
  /** Shown as the Event source (the node running the operator). */
  node: string;
  listPools: () => readonly LbIpPool[];
  listServices: () => readonly V1Service[];
}): IpamOperatorApi {
  const core = opts.kc.makeApiClient(CoreV1Api);
  const custom = opts.kc.makeApiClient(CustomObjectsApi);
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    listPools: opts.listPools,
    listServices: opts.listServices,
    async patchServiceIngress(namespace, name, ips) {
      // null deletes the key under merge-patch semantics; [] would leave `ingress: []` behind.
      const ingress = ips.length > 0 ? ips.map((ip) => ({ ip })) : null;
      await core.patchNamespacedServiceStatus(
        { namespace, name, body: { status: { loadBalancer: { ingress } } } },
        mergePatch,
      );
    },
    async patchPoolConditions(name, conditions) {
      const { group, version, plural } = lbIpPoolResource;
      await custom.patchClusterCustomObjectStatus(
        { group, version, plural, name, body: { status: { conditions } } },
        mergePatch,
      );
    },
    async emitEvent(e: IpamEvent) {
      const now = new Date();
      // Events about cluster-scoped objects go to `default`, as client-go's recorder does.
      const namespace = e.object.namespace || 'default';
      const body: CoreV1Event = {
        // The API server picks a unique suffix; two Events in one millisecond must not collide.
        metadata: { generateName: `${e.object.name}.`, namespace },
        involvedObject: e.object,
        reason: e.reason,
        message: e.message,
        type: e.type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: 'l2bench-ipam', host: opts.node },
        reportingComponent: 'l2bench-ipam',
        reportingInstance: opts.node,
      };
      await core.createNamespacedEvent({ namespace, body });
    },
  };
}
