/**
 * The pod network of the node image, in place of kind's kindnet (whose image cannot be built
 * here): Debian's `bridge` + `host-local` CNI plugins on each node's podCIDR, and a route per other
 * node's podCIDR via that node's address on the kind network. A systemd unit on every node keeps
 * both current from the Node objects (kubelet's own credentials may list nodes), every 5 s, so a
 * cluster made by plain `kind create cluster --image` gets a working pod network with no harness
 * step. No masquerading: pods reach other nodes and the API server by their own addresses, and
 * replies come back over the routes.
 */
import { CNI_BIN_DIR } from './node-units.js';

export const POD_NETWORK_CONF = '/etc/cni/net.d/10-l2b-bridge.conflist';

/** The CNI config for one node's pod CIDR (the script fills in `__POD_CIDR__`). */
export function bridgeConflist(podCidr: string): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'l2b-pods',
      plugins: [
        {
          type: 'bridge',
          bridge: 'l2b-pods0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

export const POD_NETWORK_SCRIPT = String.raw`#!/bin/bash
# Keeps this node's CNI config and the routes to other nodes' pod CIDRs in step with the Node objects.
set -o nounset -o pipefail
kubeconfig=/etc/kubernetes/kubelet.conf
conf=${POD_NETWORK_CONF}
self=$(hostname)
template='${bridgeConflist('__POD_CIDR__')}'
while true; do
  if [ -f "$kubeconfig" ]; then
    kubectl --kubeconfig "$kubeconfig" get nodes -o \
      jsonpath='{range .items[*]}{.metadata.name} {.spec.podCIDR} {.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}' \
      2>/dev/null | while read -r name cidr address; do
      if [ -z "$cidr" ] || [ -z "$address" ]; then continue; fi
      if [ "$name" = "$self" ]; then
        want=$(printf '%s' "$template" | sed "s#__POD_CIDR__#$cidr#")
        if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
          mkdir -p "$(dirname "$conf")"
          printf '%s\n' "$want" >"$conf.tmp" && mv "$conf.tmp" "$conf"
          echo "pod network: $self has $cidr"
        fi
      else
        ip route replace "$cidr" via "$address" 2>/dev/null || true
      fi
    done
  fi
  sleep 5
done
`;

export const POD_NETWORK_SERVICE = `[Unit]
Description=l2bench: pod network config and routes from the Node objects
After=kubelet.service

[Service]
ExecStart=/kind/bin/l2b-pod-network
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
`;

/**
 * kind applies /kind/manifests/default-cni.yaml (as cluster admin) unless the cluster disables the
 * default CNI. The network needs one grant: the pod-network unit reads every Node with kubelet's
 * credentials, and since Kubernetes 1.32 (AuthorizeNodeWithSelectors) the Node authorizer lets a
 * node read only its own Node object, so every route stayed unset and no node became Ready. RBAC
 * lets the group system:nodes list nodes again (read-only, what kindnet's own account holds). The
 * ConfigMap records where the network comes from.
 */
export const DEFAULT_CNI_MANIFEST = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: l2b-pod-network
rules:
  - apiGroups: [""]
    resources: [nodes]
    verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: l2b-pod-network
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: l2b-pod-network
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: system:nodes
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: l2b-pod-network
  namespace: kube-system
data:
  plugins: bridge + host-local from ${CNI_BIN_DIR} (Debian containernetworking-plugins)
  routes: l2b-pod-network.service on each node, from Node.spec.podCIDR
`;
