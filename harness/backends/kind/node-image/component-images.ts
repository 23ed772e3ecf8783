import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { ToolError } from '../../../errors.js';
import { cacheDir } from '../../../paths.js';
import { resolveTool } from '../../../tools/resolve-tool.js';
import { TOOL_PINS, type ToolName } from '../../../tools/tool-versions.js';
import { runCommand } from '../../../util/run-command.js';
import { buildImage } from '../../docker/image-build.js';
import type { RootfsItem } from '../../docker/rootfs.js';

/**
 * The etcd image tag the node image carries. kubeadm v1.32 asks for `etcd:3.5.24-0`; the project
 * pins etcd v3.5.35 (the local and docker backends run it), so the image is tagged for what it
 * holds and the kind config sets `etcd.local.imageTag` to this (see {@link kubeadmEtcdPatch}).
 */
export const ETCD_IMAGE_TAG = `${TOOL_PINS.etcd.version.replace(/^v/, '')}-0`;

/** The kubeadm ClusterConfiguration patch a kind config needs for the node image's etcd. */
export function kubeadmEtcdPatch(): string {
  return `kind: ClusterConfiguration\netcd:\n  local:\n    imageTag: "${ETCD_IMAGE_TAG}"\n`;
}

/** One image kubeadm deploys, built here and saved into the node image. */
export interface ComponentImage {
  /** The name kubeadm asks for (registry.k8s.io/...:tag). */
  ref: string;
  /** The l2bench content-hash tag it was built as. */
  built: string;
}

// A pause process of our own: sleeps, exits 0 on SIGINT/SIGTERM, reaps children (it is PID 1 of
// the pod sandbox). Static (CGO off), so it runs FROM scratch.
const PAUSE_GO = `package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s == syscall.SIGCHLD {
			for {
				if pid, _ := syscall.Wait4(-1, nil, syscall.WNOHANG, nil); pid <= 0 {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
`;

/** Builds the pause binary (a few seconds) into the cache; returns its path. */
async function buildPause(): Promise<string> {
  const dir = join(cacheDir(), 'kind-node', 'pause');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'go.mod'), 'module l2bench.local/pause\n\ngo 1.22\n');
  await writeFile(join(dir, 'main.go'), PAUSE_GO);
  const r = await runCommand('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'pause', '.'], {
    cwd: dir,
    env: { ...process.env, CGO_ENABLED: '0' },
    allowFailure: true,
  });
  if (r.code !== 0) throw new ToolError(`kind node image: pause build failed: ${r.stderr.trim()}`);
  return join(dir, 'pause');
}

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n';

async function dockerfile(name: string, text: string): Promise<string> {
  const dir = join(cacheDir(), 'kind-node', 'dockerfiles');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.Dockerfile`);
  await writeFile(path, text);
  return path;
}

/** A control-plane binary as kubeadm's static pods run it: `command: [<name>, ...]`, found on PATH. */
async function binaryImage(
  docker: Dockerode,
  name: string,
  tool: ToolName,
  onProgress: (line: string) => void,
  base = 'scratch',
): Promise<string> {
  const from = await resolveTool(tool, { onProgress });
  const items: RootfsItem[] = [{ kind: 'executable', from, to: `/usr/local/bin/${name}` }];
  const file = await dockerfile(name, `FROM ${base}\nCOPY rootfs/ /\n${PATH_ENV}`);
  return (
    await buildImage(docker, { name: `kind-${name}`, dockerfile: file, items: async () => items }, onProgress)
  ).tag;
}

/** A binary FROM scratch as the image's entrypoint `/<name>` (CoreDNS's and pause's manifests). */
async function entrypointImage(
  docker: Dockerode,
  name: string,
  from: string,
  onProgress: (line: string) => void,
): Promise<string> {
  const file = await dockerfile(name, `FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/${name}"]\n`);
  const items: RootfsItem[] = [{ kind: 'executable', from, to: `/${name}` }];
  return (
    await buildImage(docker, { name: `kind-${name}`, dockerfile: file, items: async () => items }, onProgress)
  ).tag;
}

/**
 * Builds every image kubeadm v1.32 and the node image deploy, from the pinned binaries: the
 * control-plane components and etcd FROM scratch (plus their shared libraries), kube-proxy on the
 * node's Debian root file system (it runs iptables), CoreDNS and pause FROM scratch with the
 * entrypoints their manifests expect. `rootfsImage` is the imported node root file system.
 */
export async function buildComponentImages(
  docker: Dockerode,
  rootfsImage: string,
  onProgress: (line: string) => void,
): Promise<ComponentImage[]> {
  const k8s = TOOL_PINS['kube-apiserver'].version;
  const out: ComponentImage[] = [];
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const)
    out.push({
      ref: `registry.k8s.io/${name}:${k8s}`,
      built: await binaryImage(docker, name, name, onProgress),
    });
  out.push({
    ref: `registry.k8s.io/kube-proxy:${k8s}`,
    built: await binaryImage(docker, 'kube-proxy', 'kube-proxy', onProgress, rootfsImage),
  });
  out.push({
    ref: `registry.k8s.io/etcd:${ETCD_IMAGE_TAG}`,
    built: await binaryImage(docker, 'etcd', 'etcd', onProgress),
  });
  const coredns = await resolveTool('coredns', { onProgress });
  out.push({
    ref: `registry.k8s.io/coredns/coredns:${TOOL_PINS.coredns.version}`,
    built: await entrypointImage(docker, 'coredns', coredns, onProgress),
  });
  out.push({
    ref: 'registry.k8s.io/pause:3.10',
    built: await entrypointImage(docker, 'pause', await buildPause(), onProgress),
  });
  return out;
}
