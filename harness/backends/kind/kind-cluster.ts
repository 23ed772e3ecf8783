import 'disposablestack/auto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { BackendError } from '../../errors.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { runCommand } from '../../util/run-command.js';
import type { DockerCli } from './docker-cli.js';
import { deriveKindConfig, type KindConfig, kindConfigYaml, loadKindConfig } from './kind-config.js';
import {
  chooseKindSubnet,
  type DockerNetworkInfo,
  KIND_NETWORK,
  kindNetworkCreateArgs,
  parseNetworkInspect,
} from './kind-network.js';

/** What {@link StartedKindCluster.start} needs. */
export interface KindClusterSpec {
  name: string;
  scenario: ResolvedScenario;
  /** The kind binary (from resolveTool('kind') or PATH). */
  kindPath: string;
  docker: DockerCli;
  /** Images to side-load into every node (`kind load docker-image`): the announcer image. */
  images: readonly string[];
  /** Directory for the derived config and the kubeconfig; removed on dispose. */
  workDir: string;
  /** Node image (`--image`); kind's default when unset. No registry is reachable here: it must be local. */
  nodeImage?: string;
  /** kubeadm config patches added to the cluster config (the l2bench node image's etcd tag). */
  kubeadmConfigPatches?: readonly string[];
  baseConfig?: KindConfig;
  onProgress?: (line: string) => void;
  /** Seconds `kind create cluster --wait` waits for the control plane. */
  waitSeconds?: number;
}

/**
 * One kind cluster of one variant: created with its derived config, the announcer image loaded,
 * its kubeconfig read; `kind delete cluster` on dispose. The kind network is created (in
 * 198.19.0.0/16, with an ip-range that leaves VIP room) when absent and never removed: other
 * clusters may share it.
 */
export class StartedKindCluster implements AsyncDisposable {
  private constructor(
    readonly name: string,
    readonly spec: KindClusterSpec,
    readonly kubeconfigPath: string,
    readonly network: DockerNetworkInfo,
    private readonly kubeconfigText: string,
  ) {}

  static async start(spec: KindClusterSpec): Promise<StartedKindCluster> {
    const progress = spec.onProgress ?? (() => undefined);
    await mkdir(spec.workDir, { recursive: true });
    const network = await ensureKindNetwork(spec.docker, progress);
    const derived = deriveKindConfig(spec.baseConfig ?? loadKindConfig(), spec.scenario, spec.name);
    const patches = [
      ...((derived.kubeadmConfigPatches as string[] | undefined) ?? []),
      ...(spec.kubeadmConfigPatches ?? []),
    ];
    const config = patches.length > 0 ? { ...derived, kubeadmConfigPatches: patches } : derived;
    const configPath = join(spec.workDir, 'kind-config.yaml');
    const kubeconfigPath = join(spec.workDir, 'kubeconfig');
    await writeFile(configPath, kindConfigYaml(config));
    const kind = (args: string[], timeoutMs = 600_000) => runCommand(spec.kindPath, args, { timeoutMs });
    progress(`kind: creating cluster ${spec.name} (${config.nodes.length} nodes)`);
    // --kubeconfig keeps the user's ~/.kube/config untouched.
    const create = [
      'create',
      'cluster',
      '--name',
      spec.name,
      '--config',
      configPath,
      '--kubeconfig',
      kubeconfigPath,
      '--wait',
      `${spec.waitSeconds ?? 180}s`,
      ...(spec.nodeImage ? ['--image', spec.nodeImage] : []),
    ];
    try {
      await kind(create);
    } catch (err) {
      // A half-created cluster still has containers: remove them before reporting.
      await kind(['delete', 'cluster', '--name', spec.name, '--kubeconfig', kubeconfigPath]).catch(
        () => undefined,
      );
      throw new BackendError(`kind create cluster ${spec.name} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const cluster = new StartedKindCluster(spec.name, spec, kubeconfigPath, network, '');
    try {
      for (const image of spec.images) {
        progress(`kind: loading ${image} into ${spec.name}`);
        await kind(['load', 'docker-image', image, '--name', spec.name]);
      }
      const text = (await kind(['get', 'kubeconfig', '--name', spec.name], 60_000)).stdout;
      return new StartedKindCluster(spec.name, spec, kubeconfigPath, network, text);
    } catch (err) {
      await cluster[Symbol.asyncDispose]().catch(() => undefined);
      throw err;
    }
  }

  /** Admin client of the cluster (kind's external kubeconfig: the API server on 127.0.0.1). */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(this.kubeconfigText);
    return kc;
  }

  /** Node containers are named `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`, … */
  get controlPlaneContainer(): string {
    return `${this.name}-control-plane`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await runCommand(
      this.spec.kindPath,
      ['delete', 'cluster', '--name', this.name, '--kubeconfig', this.kubeconfigPath],
      { timeoutMs: 300_000 },
    );
    await rm(this.spec.workDir, { recursive: true, force: true });
  }
}

/**
 * The kind network's addressing. When it does not exist, creates it in 198.19.0.0/16 with an
 * ip-range of its lower half (kind reuses an existing `kind` network). Refuses, in one line, a
 * network outside 198.18.0.0/15 (see kind-network.ts).
 */
export async function ensureKindNetwork(
  docker: DockerCli,
  progress: (line: string) => void = () => undefined,
): Promise<DockerNetworkInfo> {
  const inspect = await docker.run(['network', 'inspect', KIND_NETWORK], { allowFailure: true });
  if (inspect.code === 0) return parseNetworkInspect(inspect.stdout, KIND_NETWORK);
  const ids = (await docker.run(['network', 'ls', '--quiet'])).stdout.split('\n').filter(Boolean);
  const taken: string[] = [];
  if (ids.length > 0) {
    const all = await docker.run([
      'network',
      'inspect',
      '--format',
      '{{range .IPAM.Config}}{{.Subnet}} {{end}}',
      ...ids,
    ]);
    taken.push(...all.stdout.split(/\s+/).filter((s) => s && !s.includes(':')));
  }
  const subnet = chooseKindSubnet(taken);
  if (!subnet)
    throw new BackendError(
      'no free /19 left in 198.19.0.0/16 for the kind network: remove unused docker networks',
    );
  progress(`docker: creating network ${KIND_NETWORK} ${subnet}`);
  await docker.run(kindNetworkCreateArgs(subnet));
  return parseNetworkInspect((await docker.run(['network', 'inspect', KIND_NETWORK])).stdout, KIND_NETWORK);
}
