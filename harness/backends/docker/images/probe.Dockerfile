# The probe image: the pinned k6 and the probe script scenarios/k6/probe.ts (k6 runs TypeScript).
# Base: `scratch` plus a root filesystem assembled from this host by harness/backends/docker/images.ts.
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp
ENTRYPOINT ["/usr/local/bin/k6"]
