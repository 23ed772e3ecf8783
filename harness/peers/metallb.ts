import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * MetalLB v0.15.2 in L2 mode as a peer, read from its source (go.universe.tf/metallb@v0.15.2).
 * Run on the local backend by ./start-metallb.ts; these are the objects and arguments it needs.
 * - controller/main.go: IPAM. Watches services and the `metallb.io` resources in `--namespace`,
 *   writes `status.loadBalancer.ingress` from an IPAddressPool. `--webhook-mode=disabled` (no
 *   webhook server or certificates); `--ml-secret-name` unset (we write the memberlist key).
 * - speaker/main.go + speaker/layer2_controller.go: who announces is decided with no Lease: each
 *   speaker sorts the usable nodes by sha256(node + "#" + ip) and announces when it is first.
 *   Usable = Nodes the memberlist sees alive (internal/speakerlist), so a crash is seen within
 *   memberlist's failure detection, not a lease duration. A service needs at least one ready
 *   endpoint in an EndpointSlice (`activeEndpointExists`), or no speaker announces it.
 * - Memberlist peers are found by listing Pods in `--namespace` with `--ml-labels` and reading
 *   `status.podIP` (internal/k8s PodIPs, refreshed every 5 min): without kubelets, the harness
 *   writes one such Pod per node with the node's address. The key is read from
 *   `<--ml-secret-key-path>/secretkey`.
 * - The speaker's config reconciler lists every `metallb.io` kind (config_controller.go), so all
 *   eight CRDs must exist even for L2 only.
 */
export const METALLB_NAMESPACE = 'l2b-metallb';
export const METALLB_GROUP = 'metallb.io';
export const METALLB_SPEAKER_LABELS = { 'l2bench.io/metallb': 'speaker' } as const;
/** The file name MetalLB reads the memberlist key from (internal/k8s MLSecretKeyName). */
export const METALLB_ML_KEY_FILE = 'secretkey';
/** The pool MetalLB assigns from; services ask for it by annotation (it does not auto-assign). */
export const METALLB_POOL = 'l2bench';
/** controller/service.go AnnotationAddressPool: the pool a service's address comes from. */
export const METALLB_POOL_ANNOTATION = 'metallb.io/address-pool';
/** The ServiceAccounts MetalLB's manifests run its controller and speakers as (config/rbac). */
export const METALLB_CONTROLLER_SA = 'controller';
export const METALLB_SPEAKER_SA = 'speaker';
/** The memberlist port (MetalLB's default), one per node namespace. */
export const METALLB_ML_PORT = 7946;

/** kind → [plural, served versions (last = storage)]: the eight kinds of api/v1beta1 and v1beta2. */
const KINDS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  BFDProfile: ['bfdprofiles', ['v1beta1']],
  BGPAdvertisement: ['bgpadvertisements', ['v1beta1']],
  BGPPeer: ['bgppeers', ['v1beta1', 'v1beta2']],
  Community: ['communities', ['v1beta1']],
  IPAddressPool: ['ipaddresspools', ['v1beta1']],
  L2Advertisement: ['l2advertisements', ['v1beta1']],
  ServiceBGPStatus: ['servicebgpstatuses', ['v1beta1']],
  ServiceL2Status: ['servicel2statuses', ['v1beta1']],
};

/**
 * Any object kept as written. The key is client-node's model attribute for
 * `x-kubernetes-preserve-unknown-fields`: applyManifests sends a CRD through its typed serializer
 * (V1JSONSchemaProps), which drops the wire name and would let the API server prune every spec.
 */
const ANY_OBJECT = { type: 'object', x_kubernetes_preserve_unknown_fields: true } as const;

/**
 * Our own minimal CRDs for MetalLB's kinds (not its generated ones): namespaced, any spec kept
 * (`x-kubernetes-preserve-unknown-fields`), a status subresource as each kind declares.
 */
export function metallbCrds(labels: Record<string, string>): KubernetesObject[] {
  return Object.entries(KINDS).map(([kind, [plural, versions]]) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${METALLB_GROUP}`, labels },
    spec: {
      group: METALLB_GROUP,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === versions.length - 1,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: ANY_OBJECT, status: ANY_OBJECT },
          },
        },
      })),
    },
  }));
}

/**
 * The pool MetalLB assigns from (`addresses`: CIDRs or `start-stop` ranges) and the L2Advertisement
 * that announces it on every node. `autoAssign: false`: only services that name the pool
 * ({@link METALLB_POOL_ANNOTATION}, the scenario's announced ones) get an address, so unannounced
 * services stay unannounced, as the bundled agent's policy leaves them.
 */
export function metallbPoolObjects(
  addresses: readonly string[],
  labels: Record<string, string>,
): KubernetesObject[] {
  const metadata = { name: METALLB_POOL, namespace: METALLB_NAMESPACE, labels };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: METALLB_NAMESPACE, labels },
    } as KubernetesObject,
    {
      apiVersion: `${METALLB_GROUP}/v1beta1`,
      kind: 'IPAddressPool',
      metadata,
      spec: { addresses: [...addresses], autoAssign: false },
    } as KubernetesObject,
    {
      apiVersion: `${METALLB_GROUP}/v1beta1`,
      kind: 'L2Advertisement',
      metadata,
      spec: { ipAddressPools: [METALLB_POOL] },
    } as KubernetesObject,
  ];
}

/**
 * `speaker` arguments for one node: memberlist bound to the node's address in its namespace.
 * `--pod-name` is required: the speaker reads its own Pod at start (internal/k8s New, the owner of
 * its ServiceL2Status objects) and exits without it. Metrics on 7472 inside the node namespace.
 */
export function metallbSpeakerArgs(o: { nodeName: string; nodeAddress: string; keyDir: string }): string[] {
  return [
    `--namespace=${METALLB_NAMESPACE}`,
    `--node-name=${o.nodeName}`,
    `--pod-name=${metallbSpeakerPodName(o.nodeName)}`,
    `--ml-bindaddr=${o.nodeAddress}`,
    `--ml-bindport=${METALLB_ML_PORT}`,
    `--ml-labels=${labelSelector(METALLB_SPEAKER_LABELS)}`,
    `--ml-secret-key-path=${o.keyDir}`,
    '--log-level=info',
  ];
}

/**
 * `controller` arguments: on the host beside the control plane. Its only listener is the metrics
 * port (controller-runtime's own is off: internal/k8s sets BindAddress "0"), chosen by the caller
 * so that runs side by side do not collide on 7472.
 */
export function metallbControllerArgs(o: { metricsPort: number }): string[] {
  return [
    `--namespace=${METALLB_NAMESPACE}`,
    '--webhook-mode=disabled',
    '--disable-cert-rotation',
    `--port=${o.metricsPort}`,
    '--log-level=info',
  ];
}

/** The name of a node's speaker Pod. */
export function metallbSpeakerPodName(nodeName: string): string {
  return `speaker-${nodeName}`;
}

/**
 * The Pod MetalLB's memberlist discovery reads a speaker's address from (status written after
 * create). No kubelet runs, so the node lifecycle controller taints the nodes unreachable; the
 * tolerations are the ones the DaemonSet controller gives every daemon Pod, so the taint manager
 * does not evict them (a speaker restarted after the eviction would find no peers to join).
 */
export function metallbSpeakerPod(
  node: { name: string; address: string },
  labels: Record<string, string>,
): { pod: KubernetesObject; status: { podIP: string; phase: string } } {
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: metallbSpeakerPodName(node.name),
        namespace: METALLB_NAMESPACE,
        labels: { ...labels, ...METALLB_SPEAKER_LABELS },
      },
      spec: {
        nodeName: node.name,
        serviceAccountName: METALLB_SPEAKER_SA,
        automountServiceAccountToken: false,
        containers: [{ name: 'speaker', image: 'l2bench.invalid/metallb-speaker' }],
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        ],
      },
    } as KubernetesObject,
    status: { podIP: node.address, phase: 'Running' },
  };
}

const READ = ['get', 'list', 'watch'];
const CONFIG_KINDS = [
  'bfdprofiles',
  'bgpadvertisements',
  'bgppeers',
  'communities',
  'ipaddresspools',
  'l2advertisements',
];

/**
 * Least privilege for MetalLB's L2 mode, from its config/rbac/role.yaml without what we turn off
 * (webhook and its CRD patching, the memberlist secret it would create, PodSecurityPolicy), bound
 * to its own ServiceAccounts in {@link METALLB_NAMESPACE} as its manifests do:
 * controller — services and namespaces read, nodes list, services/status update, events, and in its
 * namespace the config kinds, secrets and configmaps read, ipaddresspools/status update;
 * speaker — services, endpoints, endpointslices, nodes, namespaces read, events, its
 * ServiceL2Status objects, and in the namespace the config kinds, secrets, configmaps and the
 * speaker Pods (memberlist discovery, its own Pod) read, its ServiceBGPStatus objects (the status
 * reconciler watches them even in L2 mode).
 */
export function metallbRbacObjects(labels: Record<string, string>): KubernetesObject[] {
  const events = { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] };
  const config = [
    { apiGroups: [METALLB_GROUP], resources: CONFIG_KINDS, verbs: READ },
    { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: READ },
  ];
  const account = (name: string) => [{ kind: 'ServiceAccount', name, namespace: METALLB_NAMESPACE }];
  const speakers = account(METALLB_SPEAKER_SA);
  const controller = account(METALLB_CONTROLLER_SA);
  const role = (kind: 'ClusterRole' | 'Role', name: string, rules: object[]): KubernetesObject =>
    ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata: { name, labels, ...(kind === 'Role' ? { namespace: METALLB_NAMESPACE } : {}) },
      rules,
    }) as KubernetesObject;
  const binding = (kind: 'ClusterRole' | 'Role', name: string, subjects: object[]): KubernetesObject =>
    ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: `${kind}Binding`,
      metadata: { name, labels, ...(kind === 'Role' ? { namespace: METALLB_NAMESPACE } : {}) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
      subjects,
    }) as KubernetesObject;
  const c = 'l2bench:metallb-controller';
  const sp = 'l2bench:metallb-speaker';
  return [
    ...[METALLB_CONTROLLER_SA, METALLB_SPEAKER_SA].map(
      (name) =>
        ({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name, namespace: METALLB_NAMESPACE, labels },
        }) as KubernetesObject,
    ),
    role('ClusterRole', c, [
      { apiGroups: [''], resources: ['services', 'namespaces'], verbs: READ },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services/status'], verbs: ['update'] },
      events,
    ]),
    binding('ClusterRole', c, controller),
    role('Role', c, [
      ...config,
      { apiGroups: [METALLB_GROUP], resources: ['ipaddresspools/status'], verbs: ['update'] },
    ]),
    binding('Role', c, controller),
    role('ClusterRole', sp, [
      { apiGroups: [''], resources: ['services', 'endpoints', 'nodes', 'namespaces'], verbs: READ },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
      events,
      {
        apiGroups: [METALLB_GROUP],
        resources: ['servicel2statuses', 'servicel2statuses/status'],
        verbs: [...READ, 'create', 'update', 'patch', 'delete'],
      },
    ]),
    binding('ClusterRole', sp, speakers),
    role('Role', sp, [
      ...config,
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      {
        apiGroups: [METALLB_GROUP],
        resources: ['servicebgpstatuses', 'servicebgpstatuses/status'],
        verbs: [...READ, 'create', 'update', 'patch', 'delete'],
      },
    ]),
    binding('Role', sp, speakers),
  ];
}

function labelSelector(l: Readonly<Record<string, string>>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The label the EndpointSlice controller leaves alone: slices another manager owns. */
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

/**
 * The EndpointSlice the harness writes for an announced service (no kubelet makes Pods ready, so
 * kube-controller-manager's slice for the echo selector stays empty): one ready endpoint, the echo
 * backend on `node`. MetalLB announces a service only with a ready endpoint (`activeEndpointExists`);
 * with `externalTrafficPolicy: Cluster` it does not care on which node. Owned by the Service, so
 * the garbage collector deletes it with the Service.
 */
export function metallbEndpointSlice(
  service: { name: string; namespace: string; uid: string },
  node: { name: string; address: string },
  port: { name: string; targetPort: number },
  labels: Record<string, string>,
): KubernetesObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service.name}-l2bench`,
      namespace: service.namespace,
      labels: { ...labels, 'kubernetes.io/service-name': service.name, [MANAGED_BY]: 'l2bench.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.name, uid: service.uid }],
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [node.address],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: node.name,
      },
    ],
    ports: [{ name: port.name, port: port.targetPort, protocol: 'TCP' }],
  } as KubernetesObject;
}
