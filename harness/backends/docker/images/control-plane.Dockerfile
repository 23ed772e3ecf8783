# The control-plane image: the pinned etcd and kube-apiserver, started and watched by a small
# Node.js supervisor (harness/backends/docker/control-plane-supervisor.ts, bundled by esbuild).
# Base: `scratch` plus a root filesystem assembled from this host by harness/backends/docker/images.ts
# (the binaries and the shared libraries `ldd` lists for them).
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp
ENTRYPOINT ["/usr/bin/node", "/opt/l2bench/supervisor.mjs", "/etc/l2bench/processes.json"]
