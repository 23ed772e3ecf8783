import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { ToolError } from '../../../errors.js';
import { cacheDir } from '../../../paths.js';
import { resolveTool } from '../../../tools/resolve-tool.js';
import { TOOL_PINS } from '../../../tools/tool-versions.js';
import { runCommand } from '../../../util/run-command.js';
import { ensureDockerEngine } from '../../docker/docker-engine.js';
import { imageExists } from '../../docker/image-build.js';
import { buildComponentImages, type ComponentImage } from './component-images.js';
import { NODE_ENTRYPOINT } from './node-entrypoint.js';
import { KIND_CNI_MANIFEST, KIND_IMAGES_DIR, KIND_VERSION_FILE } from './node-layout.js';
import { ensureNodeRootfs } from './node-rootfs.js';
import * as units from './node-units.js';
import { DEFAULT_CNI_MANIFEST, POD_NETWORK_SCRIPT, POD_NETWORK_SERVICE } from './pod-network.js';

/** Image repository of the node image; the tag is `<kubernetes version>-<content hash>`. */
export const NODE_IMAGE_REPO = 'l2bench/kind-node';

/** Files of the kind node contract, by path inside the image, with their mode. */
export function contractFiles(): { path: string; content: string; mode: number }[] {
  const f = (path: string, content: string, mode = 0o644) => ({ path, content, mode });
  return [
    f('/usr/local/bin/entrypoint', NODE_ENTRYPOINT, 0o755),
    f('/etc/systemd/system/kubelet.service', units.KUBELET_SERVICE),
    f('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', units.KUBELET_KUBEADM_DROPIN),
    f('/etc/systemd/system/kubelet.service.d/11-kind.conf', units.KUBELET_KIND_DROPIN),
    f('/etc/systemd/system/kubelet.slice', units.KUBELET_SLICE),
    f('/etc/default/kubelet', units.KUBELET_DEFAULTS),
    f('/etc/systemd/system/containerd.service', units.CONTAINERD_SERVICE),
    f('/etc/containerd/config.toml', units.CONTAINERD_CONFIG),
    f('/etc/systemd/system/l2b-load-images.service', units.LOAD_IMAGES_SERVICE),
    f('/etc/systemd/system/l2b-pod-network.service', POD_NETWORK_SERVICE),
    f('/kind/bin/l2b-pod-network', POD_NETWORK_SCRIPT, 0o755),
    f('/etc/sysctl.d/10-network-magic.conf', units.NETWORK_SYSCTLS),
    f(KIND_VERSION_FILE, `${TOOL_PINS.kubelet.version}\n`),
    f(KIND_CNI_MANIFEST, DEFAULT_CNI_MANIFEST),
  ];
}

/** Units started at boot (what `systemctl enable` would link into multi-user.target.wants). */
const ENABLED = [
  'containerd.service',
  'l2b-load-images.service',
  'kubelet.service',
  'l2b-pod-network.service',
];

function fileSha256(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });
}

/** Outcome of {@link buildKindNodeImage}. */
export interface KindNodeImage {
  tag: string;
  /** False when the engine already held an image with this content hash. */
  built: boolean;
  seconds: number;
}

async function sh(script: string, what: string): Promise<void> {
  const r = await runCommand('sh', ['-euc', script], { allowFailure: true, timeoutMs: 30 * 60_000 });
  if (r.code !== 0)
    throw new ToolError(`kind node image: ${what} failed: ${r.stderr.trim().split('\n').pop()}`);
}

async function importRootfs(docker: Dockerode, dir: string, key: string, say: (l: string) => void) {
  const tag = `${NODE_IMAGE_REPO}-rootfs:${key}`;
  if (await imageExists(docker, tag)) return tag;
  say(`kind node image: docker import of the Debian root file system as ${tag}`);
  await sh(
    `tar -C '${dir}' --exclude=./.l2b-complete -c . | docker import - '${tag}' >/dev/null`,
    'docker import',
  );
  return tag;
}

/**
 * Builds the kind node image into the local Docker engine, or finds it by content hash: the
 * Debian root file system (debootstrap, cached), kubelet/kubeadm/kubectl at the pin, the kind node
 * contract files, and every component image saved under /kind/images (imported into containerd at
 * boot, so nothing is pulled). Heavy on a cold cache (the Kubernetes binaries build from source).
 */
export async function buildKindNodeImage(onProgress: (line: string) => void): Promise<KindNodeImage> {
  const startMs = Date.now();
  const secs = () => Math.round((Date.now() - startMs) / 1000);
  const say = (l: string) => onProgress(`${l} [${secs()}s]`);
  const { docker } = await ensureDockerEngine({ onProgress: say });
  const rootfs = await ensureNodeRootfs(say);
  const rootfsImage = await importRootfs(docker, rootfs.dir, rootfs.key, say);
  const components = await buildComponentImages(docker, rootfsImage, say);
  const bins = {
    kubelet: await resolveTool('kubelet', { onProgress: say }),
    kubeadm: await resolveTool('kubeadm', { onProgress: say }),
    kubectl: await resolveTool('kubectl', { onProgress: say }),
  };
  const h = createHash('sha256').update(rootfs.key);
  for (const f of contractFiles()) h.update(`\0${f.path}\0${f.mode}\0${f.content}`);
  for (const [name, path] of Object.entries(bins)) h.update(`\0${name}\0${await fileSha256(path)}`);
  for (const c of components) h.update(`\0${c.ref}\0${c.built}`);
  const tag = `${NODE_IMAGE_REPO}:${TOOL_PINS.kubelet.version}-${h.digest('hex').slice(0, 16)}`;
  if (await imageExists(docker, tag)) return { tag, built: false, seconds: secs() };

  const stage = join(cacheDir(), 'kind-node', 'stage');
  const base = `${tag}-base`;
  try {
    await rm(stage, { recursive: true, force: true });
    // One tree: docker import refuses a tar stream that names a path twice.
    await sh(
      `cp -a '${rootfs.dir}' '${stage}' && rm -f '${stage}/.l2b-complete'`,
      'copying the root file system',
    );
    await stageFiles(stage, bins, components, say);
    say(`kind node image: assembling ${tag}`);
    await sh(
      `tar -c -C '${stage}' . | docker import ` +
        `-c 'ENV container=docker' -c 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' - '${base}' >/dev/null`,
      'docker import of the node image',
    );
    // docker import cannot set STOPSIGNAL; systemd halts cleanly on SIGRTMIN+3 (docker stop).
    await sh(
      `printf 'FROM %s\\nSTOPSIGNAL SIGRTMIN+3\\nLABEL l2bench.io/image=kind-node\\n' '${base}' | DOCKER_BUILDKIT=0 docker build -q -t '${tag}' - >/dev/null`,
      'docker build of the node image',
    );
  } finally {
    await runCommand('docker', ['rmi', base], { allowFailure: true });
    await rm(stage, { recursive: true, force: true });
  }
  say(`kind node image: built ${tag}`);
  await removeOlderImages(tag);
  return { tag, built: true, seconds: secs() };
}

/**
 * Each node image is ~1.3 GB and a new input makes a new tag: the ones it replaces go, except any
 * a container still uses (`docker rmi` refuses those, and the next build retries).
 */
async function removeOlderImages(keep: string): Promise<void> {
  const r = await runCommand('docker', ['images', NODE_IMAGE_REPO, '--format', '{{.Repository}}:{{.Tag}}'], {
    allowFailure: true,
  });
  const old = r.stdout.split('\n').filter((t) => t.startsWith(`${NODE_IMAGE_REPO}:`) && t !== keep);
  if (old.length > 0) await runCommand('docker', ['rmi', ...old], { allowFailure: true });
}

async function stageFiles(
  stage: string,
  bins: Record<'kubelet' | 'kubeadm' | 'kubectl', string>,
  components: readonly ComponentImage[],
  say: (l: string) => void,
): Promise<void> {
  const at = (p: string) => join(stage, p);
  for (const f of contractFiles()) {
    await mkdir(dirname(at(f.path)), { recursive: true });
    await writeFile(at(f.path), f.content);
    await chmod(at(f.path), f.mode);
  }
  const wants = at('/etc/systemd/system/multi-user.target.wants');
  await mkdir(wants, { recursive: true });
  for (const u of ENABLED) await symlink(`/etc/systemd/system/${u}`, join(wants, u));
  await symlink('/dev/null', at('/etc/systemd/system/systemd-binfmt.service'));
  await mkdir(at('/etc/kubernetes/manifests'), { recursive: true });
  await mkdir(at('/usr/bin'), { recursive: true });
  for (const [name, path] of Object.entries(bins))
    await sh(`install -m 755 '${path}' '${at(`/usr/bin/${name}`)}'`, `copying ${name}`);
  await mkdir(at(KIND_IMAGES_DIR), { recursive: true });
  for (const c of components) {
    const file = at(`${KIND_IMAGES_DIR}/${c.ref.split('/').pop()?.split(':')[0]}.tar`);
    say(`kind node image: saving ${c.ref}`);
    // Tag by the name kubeadm asks for only while saving, so the engine's namespace stays ours.
    await sh(
      `docker tag '${c.built}' '${c.ref}' && docker save -o '${file}' '${c.ref}'; rc=$?; docker rmi '${c.ref}' >/dev/null; exit $rc`,
      `docker save of ${c.ref}`,
    );
  }
}
