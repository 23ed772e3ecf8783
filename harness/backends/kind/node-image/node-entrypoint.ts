/**
 * The node image's entrypoint (`/usr/local/bin/entrypoint /sbin/init`): what kind's contract needs
 * done before systemd becomes PID 1. kind waits for the line `detected cgroup v1` (or systemd's
 * `Reached target Multi-User System` on v2) in the container log before it `docker exec`s anything,
 * so those words must appear exactly. Our own script, written from kind v0.30.0's contract:
 * - /sys read-only (systemd's container interface) and / shared (kubelet mount propagation);
 * - cgroup v1 with a private cgroup namespace: a `/kubelet` and `/kubelet.slice` cgroup in every
 *   hierarchy, bind-mounted on themselves so systemd does not remove them before kubelet starts
 *   (kind's kubeadm config sets `cgroupRoot: /kubelet`); the `misc` hierarchy hidden (runc 1.1
 *   inside cannot use it on v1);
 * - a fresh machine-id and product_uuid per node (kubelet tells nodes apart by them);
 * - iptables in whichever mode the host's rules use (legacy or nft);
 * - Docker's embedded DNS made reachable from pods (its 127.0.0.11 DNAT moved to the gateway), and
 *   the node's old IP replaced in kubeadm's files when a restarted node got a new one.
 */
export const NODE_ENTRYPOINT = String.raw`#!/bin/bash
set -o errexit -o nounset -o pipefail
info() { echo "INFO: $*" >&2; }

info 'remounting /sys read-only and / shared'
mount -o remount,ro /sys
mount --make-rshared /

kubelet_cgroup() { # <hierarchy mount point> <cgroup>
  mkdir -p "$1$2"
  if [ "$1" = /sys/fs/cgroup/cpuset ]; then
    cat "$1/cpuset.cpus" >"$1$2/cpuset.cpus"
    cat "$1/cpuset.mems" >"$1$2/cpuset.mems"
  fi
  mount --bind "$1$2" "$1$2"
}

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  info 'detected cgroup v2'
else
  info 'detected cgroup v1'
  own=$(grep -E '^[^:]*:([^:]*,)?cpu(,[^,:]*)?:' /proc/self/cgroup | cut -d: -f3)
  if [ "$own" != / ]; then
    echo "ERROR: no private cgroup namespace (cpu cgroup $own): run the node with --cgroupns=private" >&2
    exit 1
  fi
  if [ -d /sys/fs/cgroup/misc ]; then
    umount /sys/fs/cgroup/misc || true
    rmdir /sys/fs/cgroup/misc || true
    grep -v misc /proc/cgroups >/kind/cgroups-without-misc
    mount --bind /kind/cgroups-without-misc /proc/cgroups
  fi
  mount --make-rprivate /sys/fs/cgroup
  hierarchies=$(findmnt -lun -o target -t cgroup)
  for h in $hierarchies; do
    kubelet_cgroup "$h" /kubelet
    kubelet_cgroup "$h" /kubelet.slice
  done
fi

info 'new machine-id and product_uuid'
rm -f /etc/machine-id
systemd-machine-id-setup
[ -f /kind/product_uuid ] || cat /proc/sys/kernel/random/uuid >/kind/product_uuid
for f in /sys/class/dmi/id/product_uuid /sys/devices/virtual/dmi/id/product_uuid; do
  if [ -f "$f" ]; then mount -o ro,bind /kind/product_uuid "$f"; fi
done
if [ -f /sys/class/dmi/id/product_name ]; then
  echo kind >/kind/product_name
  mount -o ro,bind /kind/product_name /sys/class/dmi/id/product_name
fi

legacy=$( (iptables-legacy-save || true) 2>/dev/null | grep -c '^-' || true)
nft=$( (timeout 5 iptables-nft-save || true) 2>/dev/null | grep -c '^-' || true)
mode=nft
if [ "$legacy" -gt "$nft" ]; then mode=legacy; fi
info "setting iptables to detected mode: $mode"
update-alternatives --set iptables "/usr/sbin/iptables-$mode" >/dev/null
update-alternatives --set ip6tables "/usr/sbin/ip6tables-$mode" >/dev/null

gateway=$(ip -4 route show default | cut -d' ' -f3)
if [ -n "$gateway" ]; then
  iptables-save |
    sed -e "s/-d 127.0.0.11/-d $gateway/g" \
      -e 's/-A OUTPUT \(.*\) -j DOCKER_OUTPUT/\0\n-A PREROUTING \1 -j DOCKER_OUTPUT/' \
      -e "s/--to-source :53/--to-source $gateway:53/g" |
    iptables-restore
  sed -e "s/127.0.0.11/$gateway/g" /etc/resolv.conf >/kind/resolv.conf
  cat /kind/resolv.conf >/etc/resolv.conf
fi

ipv4=$( (timeout 5 getent ahostsv4 "$(hostname)" | head -n1 | cut -d' ' -f1) || true)
info "detected IPv4 address: $ipv4"
if [ -f /kind/old-ipv4 ] && [ -n "$ipv4" ] && [ "$(cat /kind/old-ipv4)" != "$ipv4" ]; then
  old=$(sed 's/\./\\./g' /kind/old-ipv4)
  for f in /etc/kubernetes/manifests/*.yaml /etc/kubernetes/*.conf /kind/kubeadm.conf /var/lib/kubelet/kubeadm-flags.env; do
    if [ -f "$f" ]; then sed -i "s#\b$old\b#$ipv4#g" "$f"; fi
  done
  if [ -f /etc/kubernetes/pki/apiserver.crt ]; then
    rm -f /etc/kubernetes/pki/apiserver.crt /etc/kubernetes/pki/apiserver.key
    kubeadm init phase certs apiserver --config /kind/kubeadm.conf
  fi
fi
if [ -n "$ipv4" ]; then echo -n "$ipv4" >/kind/old-ipv4; fi

info 'starting init'
exec "$@"
`;
