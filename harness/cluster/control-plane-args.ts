/**
 * Command lines of etcd and kube-apiserver as kubeadm writes them into their static pod manifests,
 * minus what needs a kubelet. Pure, so the flags can be tested and reviewed in one place.
 */

export interface EtcdArgsSpec {
  name: string;
  dataDir: string;
  clientPort: number;
  peerPort: number;
  metricsPort: number;
  /** Where /metrics listens (default loopback; the docker backend scrapes it across the bridge). */
  metricsHost?: string;
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** etcd flags (kubeadm's, on loopback). WAL and data on disk; never `--unsafe-no-fsync`. */
export function etcdArgs(s: EtcdArgsSpec): string[] {
  const client = `https://127.0.0.1:${s.clientPort}`;
  const peer = `https://127.0.0.1:${s.peerPort}`;
  return [
    `--name=${s.name}`,
    `--data-dir=${s.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${s.name}=${peer}`,
    `--listen-metrics-urls=http://${s.metricsHost ?? '127.0.0.1'}:${s.metricsPort}`,
    `--cert-file=${s.certFile}`,
    `--key-file=${s.keyFile}`,
    '--client-cert-auth=true',
    `--trusted-ca-file=${s.caFile}`,
    `--peer-cert-file=${s.certFile}`,
    `--peer-key-file=${s.keyFile}`,
    '--peer-client-cert-auth=true',
    `--peer-trusted-ca-file=${s.caFile}`,
    '--snapshot-count=10000',
    '--experimental-initial-corrupt-check=true',
    '--experimental-watch-progress-notify-interval=5s',
    '--log-level=warn',
  ];
}

export interface ApiserverArgsSpec {
  bindAddress: string;
  securePort: number;
  etcdUrl: string;
  etcdCaFile: string;
  etcdCertFile: string;
  etcdKeyFile: string;
  caFile: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  saKeyFile: string;
  saPubFile: string;
  serviceClusterIpRange: string;
}

/** kube-apiserver flags (kubeadm's v1.32 defaults, secure serving only, Node + RBAC authorization). */
export function apiserverArgs(s: ApiserverArgsSpec): string[] {
  return [
    `--advertise-address=${s.bindAddress}`,
    `--bind-address=${s.bindAddress}`,
    `--secure-port=${s.securePort}`,
    '--allow-privileged=true',
    '--authorization-mode=Node,RBAC',
    `--client-ca-file=${s.caFile}`,
    '--enable-admission-plugins=NodeRestriction',
    '--enable-bootstrap-token-auth=true',
    `--etcd-servers=${s.etcdUrl}`,
    `--etcd-cafile=${s.etcdCaFile}`,
    `--etcd-certfile=${s.etcdCertFile}`,
    `--etcd-keyfile=${s.etcdKeyFile}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${s.saPubFile}`,
    `--service-account-signing-key-file=${s.saKeyFile}`,
    `--service-cluster-ip-range=${s.serviceClusterIpRange}`,
    `--tls-cert-file=${s.tlsCertFile}`,
    `--tls-private-key-file=${s.tlsKeyFile}`,
    '--profiling=false',
    '--v=1',
  ];
}

/** Users the bootstrap RBAC (system:kube-controller-manager, system:kube-scheduler roles) and APF know. */
export const CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';
export const SCHEDULER_USER = 'system:kube-scheduler';

export interface ControllerManagerArgsSpec {
  /** The component's own kubeconfig (client certificate CN=system:kube-controller-manager). */
  kubeconfig: string;
  securePort: number;
  caFile: string;
  caKeyFile: string;
  saKeyFile: string;
  serviceClusterIpRange: string;
}

/**
 * kube-controller-manager flags as kubeadm v1.32 writes them into its static pod manifest: its
 * kubeconfig for all three of client, authentication and authorization, leader election on, one
 * ServiceAccount credential per controller, the bootstrap-token controllers added to the defaults,
 * the cluster CA for signing CSRs. `--secure-port` is ours (kubeadm uses the default 10257; two
 * local runs on one host would collide); `--allocate-node-cidrs` is off (no pod network here).
 */
export function controllerManagerArgs(s: ControllerManagerArgsSpec): string[] {
  return [
    `--authentication-kubeconfig=${s.kubeconfig}`,
    `--authorization-kubeconfig=${s.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${s.securePort}`,
    `--client-ca-file=${s.caFile}`,
    '--cluster-name=kubernetes',
    `--cluster-signing-cert-file=${s.caFile}`,
    `--cluster-signing-key-file=${s.caKeyFile}`,
    '--controllers=*,bootstrapsigner,tokencleaner',
    `--kubeconfig=${s.kubeconfig}`,
    '--leader-elect=true',
    `--root-ca-file=${s.caFile}`,
    `--service-account-private-key-file=${s.saKeyFile}`,
    `--service-cluster-ip-range=${s.serviceClusterIpRange}`,
    '--use-service-account-credentials=true',
    '--profiling=false',
    '--v=1',
  ];
}

export interface SchedulerArgsSpec {
  /** The component's own kubeconfig (client certificate CN=system:kube-scheduler). */
  kubeconfig: string;
  securePort: number;
}

/** kube-scheduler flags as kubeadm v1.32 writes them (plus our own `--secure-port`, as above). */
export function schedulerArgs(s: SchedulerArgsSpec): string[] {
  return [
    `--authentication-kubeconfig=${s.kubeconfig}`,
    `--authorization-kubeconfig=${s.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${s.securePort}`,
    `--kubeconfig=${s.kubeconfig}`,
    '--leader-elect=true',
    '--profiling=false',
    '--v=1',
  ];
}
