import { ScenarioError } from '../errors.js';
import { ensureDebianPackages } from '../tools/debian-packages.js';
import { resolveTool } from '../tools/resolve-tool.js';
import type { ToolName } from '../tools/tool-versions.js';
import type { BenchTarget, BenchTargetOptions } from './bench-target.js';
import { ClusterBenchTarget, type ClusterChoice } from './cluster/cluster-bench-target.js';
import { DockerBenchTarget } from './docker/docker-bench-target.js';
import { ensureDockerEngine } from './docker/docker-engine.js';
import { buildL2benchImages } from './docker/images.js';
import { DockerCli } from './kind/docker-cli.js';
import { KindBenchTarget } from './kind/kind-bench-target.js';
import { ensureKindNetwork } from './kind/kind-cluster.js';
import { freeRegion } from './kind/kind-network.js';
import { resolveAnnouncerImage } from './kube/announcer-image.js';
import { LocalBenchTarget } from './local/local-bench-target.js';

type BackendName = BenchTargetOptions['scenario']['backend'];

/** What the runner needs from a backend: host preparation once per run, then a target per variant. */
export interface BackendDriver {
  /** Pinned tools whose versions the results record. */
  readonly tools: readonly ToolName[];
  /**
   * Checks and provisions what the backend needs on this host before any variant starts, so a
   * missing engine or binary is one clear error before anything is created.
   */
  prepareHost(progress: (line: string) => void): Promise<void>;
  /** Starts the backend for one variant: the cluster is up, nothing is deployed yet. */
  start(o: BenchTargetOptions): Promise<BenchTarget>;
}

const localDriver: BackendDriver = {
  tools: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'k6'],
  async prepareHost(progress) {
    await ensureDebianPackages(['iproute2', 'arping', 'curl', 'tcpdump'], progress);
    await Promise.all([
      resolveTool('kube-apiserver', { onProgress: progress }),
      resolveTool('kube-controller-manager', { onProgress: progress }),
      resolveTool('kube-scheduler', { onProgress: progress }),
      resolveTool('etcd', { onProgress: progress }),
    ]);
  },
  start: (o) => LocalBenchTarget.start(o),
};

const dockerDriver: BackendDriver = {
  tools: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'k6'],
  async prepareHost(progress) {
    // The engine first: without one, say so before building anything.
    const engine = await ensureDockerEngine({ onProgress: progress });
    // The VIP poller's curl runs on this host, the run's bridge gateway (measure/curl-vip-client.ts).
    await ensureDebianPackages(['curl'], progress);
    await buildL2benchImages(engine.docker, progress);
  },
  start: (o) => DockerBenchTarget.start(o),
};

const kindDriver: BackendDriver = {
  tools: ['kind', 'k6'],
  async prepareHost(progress) {
    await ensureDebianPackages(['curl'], progress);
    await new DockerCli().requireEngine();
    await resolveTool('kind', { onProgress: progress });
    await resolveAnnouncerImage('Never', process.env, progress);
    // Refuses a kind network outside 198.18.0.0/15 before any cluster exists.
    freeRegion(await ensureKindNetwork(new DockerCli(), progress));
  },
  start: (o) => KindBenchTarget.start(o),
};

/**
 * `--context` and `--yes` of the cluster backend: the CLI's options, else the documented variables
 * `L2BENCH_CLUSTER_CONTEXT` and `L2BENCH_CLUSTER_YES=1`.
 */
function clusterChoice(o: BenchTargetOptions, env: NodeJS.ProcessEnv = process.env): ClusterChoice {
  const context = o.cluster?.context ?? env.L2BENCH_CLUSTER_CONTEXT;
  return { ...(context ? { context } : {}), yes: o.cluster?.yes === true || env.L2BENCH_CLUSTER_YES === '1' };
}

const clusterDriver: BackendDriver = {
  tools: ['k6'],
  async prepareHost(progress) {
    await ensureDebianPackages(['curl'], progress);
    await resolveAnnouncerImage('IfNotPresent', process.env, progress);
  },
  start: (o) => ClusterBenchTarget.start(o, clusterChoice(o)),
};

/** Backend name → driver. A backend not listed here is not built yet. */
const DRIVERS: Partial<Record<BackendName, BackendDriver>> = {
  local: localDriver,
  kind: kindDriver,
  cluster: clusterDriver,
  docker: dockerDriver,
};

/** The driver of a scenario's backend; a one-line error naming the field when it is not available. */
export function backendDriver(backend: BackendName, source = 'scenario'): BackendDriver {
  const driver = DRIVERS[backend];
  if (!driver) {
    throw new ScenarioError(
      `${source}: backend '${backend}' is not available in this build: use backend: ${Object.keys(DRIVERS).join(' or ')}`,
    );
  }
  return driver;
}

/** Starts the scenario's backend for one variant. */
export function startBenchTarget(o: BenchTargetOptions): Promise<BenchTarget> {
  return backendDriver(o.scenario.backend).start(o);
}
