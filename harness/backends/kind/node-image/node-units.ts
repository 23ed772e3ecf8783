/**
 * Files the kind node contract expects besides the entrypoint (kind v0.30.0 `images/base/files`,
 * rewritten for Debian bookworm's packages): the kubelet unit and kubeadm drop-in kind's kubeadm
 * steps drive, containerd configured for the CRI with the systemd cgroup driver kind's kubeadm
 * config selects, and a loader that imports the preloaded component images before kubelet runs.
 */
import { KIND_IMAGES_DIR } from './node-layout.js';

/** Debian installs the CNI plugins here, not in /opt/cni/bin. */
export const CNI_BIN_DIR = '/usr/lib/cni';

export const KUBELET_SERVICE = `[Unit]
Description=kubelet: The Kubernetes Node Agent
ConditionPathExists=/var/lib/kubelet/config.yaml
# The component images must be in containerd before the static pods start (nothing is pulled).
Wants=l2b-load-images.service
After=containerd.service l2b-load-images.service

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=1s
CPUAccounting=true
MemoryAccounting=true
Slice=kubelet.slice
KillMode=process

[Install]
WantedBy=multi-user.target
`;

/** kubeadm writes kubeadm-flags.env and config.yaml; this drop-in feeds them to kubelet. */
export const KUBELET_KUBEADM_DROPIN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

/**
 * cgroup v2 needs the /kubelet cgroup (kind's `cgroupRoot`) created once systemd has moved every
 * process out of the root; on v1 the entrypoint made it, only systemd's named hierarchy may lack it.
 */
export const KUBELET_KIND_DROPIN = `[Service]
ExecStartPre=/bin/sh -euc "if [ -f /sys/fs/cgroup/cgroup.controllers ]; then for g in / /kubelet /kubelet.slice; do mkdir -p /sys/fs/cgroup$g; sed -e 's/ / +/g' -e 's/^/+/' /sys/fs/cgroup$g/cgroup.controllers >/sys/fs/cgroup$g/cgroup.subtree_control; done; fi"
ExecStartPre=/bin/sh -euc "if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then mkdir -p /sys/fs/cgroup/systemd/kubelet; fi"
`;

export const KUBELET_SLICE = `[Unit]
Description=slice used to run Kubernetes / Kubelet
Before=slices.target

[Slice]
MemoryAccounting=true
CPUAccounting=true
`;

export const KUBELET_DEFAULTS = 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service\n';

/** Debian's containerd unit runs /usr/bin/containerd; kind's adds Delegate and unlimited tasks. */
export const CONTAINERD_SERVICE = `[Unit]
Description=containerd container runtime
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=1
LimitNPROC=infinity
LimitCORE=infinity
LimitNOFILE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
`;

/**
 * containerd 1.6 (config version 2): CRI with runc, systemd cgroups, Debian's CNI plugin dir.
 * `restrict_oom_score_adj`: kubelet asks for oom_score_adj -998 on static pods; lowering it needs
 * CAP_SYS_RESOURCE, which a node on a host without it lacks, and runc then fails every sandbox
 * with "can't get final child's PID from pipe: EOF". Restricted, containerd never asks below its own.
 */
export const CONTAINERD_CONFIG = `version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    discard_unpacked_layers = false
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN_DIR}"
    conf_dir = "/etc/cni/net.d"
`;

/** Imports every preloaded image tarball into containerd's k8s.io namespace at boot. */
export const LOAD_IMAGES_SERVICE = `[Unit]
Description=l2bench: import the preloaded Kubernetes images into containerd
Requires=containerd.service
After=containerd.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -euc 'for f in ${KIND_IMAGES_DIR}/*.tar; do [ -e "$f" ] || continue; ctr -n k8s.io images import "$f"; done'

[Install]
WantedBy=multi-user.target
`;

/** kind's sysctls: route_localnet for NodePorts on localhost, ARP answers on every interface. */
export const NETWORK_SYSCTLS = 'net.ipv4.conf.all.route_localnet=1\nnet.ipv4.conf.all.arp_ignore=0\n';
