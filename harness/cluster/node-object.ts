import type { V1Node } from '@kubernetes/client-node';

/**
 * The Node object a local or docker node registers under (no kubelet runs): its name, labels and
 * InternalIP, which the agents read to find their own node and peers such as kube-vip need.
 */
export function nodeObject(name: string, labels: Record<string, string>, ip: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
    },
  };
}
