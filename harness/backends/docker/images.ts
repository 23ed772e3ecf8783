import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { repoRoot } from '../../paths.js';
import { resolveTool } from '../../tools/resolve-tool.js';
import { bundleScript } from './bundle.js';
import { type BuiltImage, buildImage, type ImageSpec } from './image-build.js';
import type { RootfsItem } from './rootfs.js';

/** Paths inside the images (the backends refer to these). */
export const IMAGE_PATHS = {
  node: '/usr/bin/node',
  announcer: '/opt/l2bench/announcer.mjs',
  echoServer: '/opt/l2bench/echo-server.mjs',
  supervisor: '/opt/l2bench/supervisor.mjs',
  etcd: '/usr/local/bin/etcd',
  kubeApiserver: '/usr/local/bin/kube-apiserver',
  kubeControllerManager: '/usr/local/bin/kube-controller-manager',
  kubeScheduler: '/usr/local/bin/kube-scheduler',
  k6: '/usr/local/bin/k6',
  probeScript: '/opt/l2bench/probe.ts',
} as const;

const nodeRuntime = (): RootfsItem => ({ kind: 'executable', from: process.execPath, to: IMAGE_PATHS.node });

async function bundled(entry: string, to: string): Promise<RootfsItem> {
  return { kind: 'content', content: await bundleScript(join(repoRoot, entry)), to };
}

/** The first existing path of a host binary (Debian has ip in /usr/sbin or /bin). */
function hostBinary(candidates: string[]): string {
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** The announcer image (also loaded into kind): node, the bundled agent, the echo backend, ip, arping. */
export const ANNOUNCER_IMAGE: ImageSpec = {
  name: 'announcer',
  dockerfile: join(repoRoot, 'announcer', 'Dockerfile'),
  items: async () => [
    nodeRuntime(),
    { kind: 'executable', from: hostBinary(['/usr/sbin/ip', '/bin/ip', '/sbin/ip']), to: '/usr/sbin/ip' },
    { kind: 'executable', from: hostBinary(['/usr/sbin/arping', '/usr/bin/arping']), to: '/usr/sbin/arping' },
    { kind: 'copy', from: '/usr/share/iproute2', to: '/usr/share/iproute2', optional: true },
    { kind: 'copy', from: '/etc/iproute2', to: '/etc/iproute2', optional: true },
    await bundled('announcer/main.ts', IMAGE_PATHS.announcer),
    await bundled('harness/backends/local/echo-server.ts', IMAGE_PATHS.echoServer),
  ],
};

/**
 * The control-plane image: pinned etcd, kube-apiserver, kube-controller-manager and kube-scheduler
 * under a Node.js supervisor.
 */
export const CONTROL_PLANE_IMAGE: ImageSpec = {
  name: 'control-plane',
  dockerfile: join(repoRoot, 'harness', 'backends', 'docker', 'images', 'control-plane.Dockerfile'),
  items: async () => [
    nodeRuntime(),
    { kind: 'executable', from: await resolveTool('etcd'), to: IMAGE_PATHS.etcd },
    { kind: 'executable', from: await resolveTool('kube-apiserver'), to: IMAGE_PATHS.kubeApiserver },
    {
      kind: 'executable',
      from: await resolveTool('kube-controller-manager'),
      to: IMAGE_PATHS.kubeControllerManager,
    },
    { kind: 'executable', from: await resolveTool('kube-scheduler'), to: IMAGE_PATHS.kubeScheduler },
    await bundled('harness/backends/docker/control-plane-supervisor.ts', IMAGE_PATHS.supervisor),
  ],
};

/** The probe image: pinned k6 and the probe script. */
export const PROBE_IMAGE: ImageSpec = {
  name: 'probe',
  dockerfile: join(repoRoot, 'harness', 'backends', 'docker', 'images', 'probe.Dockerfile'),
  items: async () => [
    { kind: 'executable', from: await resolveTool('k6'), to: IMAGE_PATHS.k6 },
    { kind: 'copy', from: join(repoRoot, 'scenarios', 'k6', 'probe.ts'), to: IMAGE_PATHS.probeScript },
  ],
};

/** Tags of the three images a docker-backend run needs. */
export interface L2benchImages {
  announcer: string;
  controlPlane: string;
  probe: string;
}

/** Builds (or finds by content hash) every image the docker backend runs. */
export async function buildL2benchImages(
  docker: Dockerode,
  onProgress?: (line: string) => void,
): Promise<L2benchImages> {
  const build = (s: ImageSpec): Promise<BuiltImage> => buildImage(docker, s, onProgress);
  // One after another: each stages ~100 MB and the machine has two cores.
  const announcer = await build(ANNOUNCER_IMAGE);
  const controlPlane = await build(CONTROL_PLANE_IMAGE);
  const probe = await build(PROBE_IMAGE);
  return { announcer: announcer.tag, controlPlane: controlPlane.tag, probe: probe.tag };
}
