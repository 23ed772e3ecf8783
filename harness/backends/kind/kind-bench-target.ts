import 'disposablestack/auto';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { AnnouncerDeployment } from '../../deployment/announcer-deployment.js';
import { BackendError } from '../../errors.js';
import { AGENT_NODE_LABEL } from '../../manifests/manifest-options.js';
import type { MetricsEndpoints } from '../../measure/control-plane-metrics.js';
import type { SampledProcess } from '../../measure/cpu-sampler.js';
import { hostVipClient } from '../../measure/curl-vip-client.js';
import { type RunningProbes, startProbes } from '../../measure/k6-probe.js';
import { waitUntilAllAnswer } from '../../measure/vip-poller.js';
import type { FaultKind } from '../../scenario/fault-kind.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { sleep } from '../../shutdown-signal.js';
import { resolveTool } from '../../tools/resolve-tool.js';
import type { BenchTarget, BenchTargetOptions, ProbeSpec } from '../bench-target.js';
import { DeployedTarget } from '../deployed-target.js';
import { ensureDockerEngine } from '../docker/docker-engine.js';
import { IMAGE_PATHS } from '../docker/images.js';
import { resolveAnnouncerImage } from '../kube/announcer-image.js';
import { KubeAgentRunner } from '../kube/kube-agent-runner.js';
import { kubeconfigTls } from '../kube/kubeconfig-tls.js';
import { type ContainerFaults, sharedDockerFaults } from './container-faults.js';
import { DockerCli } from './docker-cli.js';
import { descendantsMatching, readHostProcesses } from './host-processes.js';
import { StartedKindCluster } from './kind-cluster.js';
import { kindClusterName } from './kind-config.js';
import { KIND_NETWORK, kindVipPool } from './kind-network.js';
import { buildKindNodeImage } from './node-image/build-node-image.js';
import { kubeadmEtcdPatch } from './node-image/component-images.js';
import { claimVipSlot } from './vip-slot.js';

/**
 * kubeadm's etcd serves /metrics on the node's loopback only; this kubeadm patch moves it onto the
 * kind network from the start. (Editing the static-pod manifest after `kind create` restarted etcd,
 * and kubelet then restarted kube-apiserver under the run: "apiserver is shutting down" in CI.)
 */
const ETCD_METRICS_PATCH = `kind: ClusterConfiguration
etcd:
  local:
    extraArgs:
      listen-metrics-urls: "http://0.0.0.0:2381"
`;

/**
 * The `kind` backend as a {@link BenchTarget}: one kind cluster per variant on the kind Docker
 * network, the announcer deployed from the generated manifests, VIPs from a slot of the network's
 * free half, probes from the host (the bridge's gateway), CPU of kube-apiserver, etcd and agents
 * from this host's /proc below each node container.
 *
 * Faults act on the holder's node container, as a real node would fail: `node-crash` = `docker kill`
 * (kubelet, agent, echo and the node's VIPs die together; restored by `docker start`), `freeze` =
 * `docker pause` for freezeSeconds, `partition` = `docker network disconnect` for partitionSeconds
 * (reconnected with its address), `graceful` = deleting the node's agent pod (SIGTERM).
 */
export class KindBenchTarget
  extends DeployedTarget<AnnouncerDeployment<KubeAgentRunner>>
  implements BenchTarget
{
  readonly backend = 'kind' as const;
  /** Probes are answered by an echo pod kube-proxy picks, on any node. */
  readonly probesNameAnnouncer = false;
  readonly metrics: MetricsEndpoints;
  nodeNames: readonly string[] = [];
  private faultAtMs = 0;
  private readonly nodePids = new Map<string, number>();
  private readonly nodeIps = new Map<string, string>();

  private constructor(
    readonly cluster: StartedKindCluster,
    deployment: AnnouncerDeployment<KubeAgentRunner>,
    private readonly docker: DockerCli,
    private readonly faults: ContainerFaults,
    private readonly k6Path: string,
    private readonly stack: AsyncDisposableStack,
    etcdUrl: string,
  ) {
    super(deployment);
    const kc = cluster.kubeConfig();
    this.metrics = {
      apiserverUrl: kc.getCurrentCluster()?.server ?? '',
      apiserverTls: kubeconfigTls(kc),
      etcdUrl,
    };
  }

  static async start(o: BenchTargetOptions): Promise<KindBenchTarget> {
    const s = o.scenario;
    const docker = new DockerCli();
    await docker.requireEngine();
    const kindPath = await resolveTool('kind', { onProgress: o.progress });
    const image = await resolveAnnouncerImage('Never', process.env, o.progress);
    const engine = await ensureDockerEngine({ start: false });
    const runId = randomBytes(3).toString('hex');
    await using stack = new AsyncDisposableStack();
    const slot = stack.use(claimVipSlot());
    const cluster = stack.use(
      await StartedKindCluster.start({
        name: kindClusterName(runId),
        scenario: s,
        kindPath,
        docker,
        images: [image.ref],
        workDir: join(tmpdir(), `l2bench-kind-${runId}`),
        ...(await kindNodeImage(o.progress)),
        onProgress: (l) => o.progress(`  ${l}`),
      }),
    );
    const pool = kindVipPool(cluster.network, slot.slot, s.pool);
    const vipCidr = pool.cidr ?? `${pool.start}-${pool.stop}`;
    const kc = cluster.kubeConfig();
    // Agents reach the API server at the control-plane node's address, not through kube-proxy
    // (Cilium's k8sServiceHost): a crashed node's agent is ready again without waiting for its
    // kube-proxy to reprogram the `kubernetes` Service (about 45 s here).
    const cpAddress = await docker.run([
      'inspect',
      '--format',
      KIND_NETWORK_ADDRESS,
      cluster.controlPlaneContainer,
    ]);
    const apiServer = { host: cpAddress.stdout.trim(), port: KIND_APISERVER_PORT };
    const deployment = stack.use(
      KubeAgentRunner.deployment(
        kc,
        {
          runId,
          scenario: s,
          image,
          vipCidr,
          agentNodeSelector: { [AGENT_NODE_LABEL]: 'true' },
          apiServer,
        },
        (l) => o.progress(`  ${l}`),
      ),
    );
    const cp = cluster.controlPlaneContainer;
    const target = new KindBenchTarget(
      cluster,
      deployment,
      docker,
      sharedDockerFaults(engine.docker),
      o.k6Path,
      stack.move(),
      '',
    );
    try {
      await target.inspectNodes(s);
      const cpIp = target.nodeIps.get(cp);
      (target.metrics as { etcdUrl: string }).etcdUrl = `http://${cpIp}:2381/metrics`;
      await target.waitForEtcdMetrics(o.signal);
    } catch (err) {
      // The stack moved into the target: without this the cluster outlived a failed start.
      await target[Symbol.asyncDispose]();
      throw err;
    }
    return target;
  }

  /** Node names (selected nodes first), their host pids and kind-network addresses. */
  private async inspectNodes(s: ResolvedScenario): Promise<void> {
    const nodes = (await this.kubeConfig().makeApiClient(CoreV1Api).listNode()).items;
    const selected = (l: Record<string, string> = {}) =>
      Object.entries(s.nodes.labels).every(([k, v]) => l[k] === v) && l[AGENT_NODE_LABEL] === 'true';
    const names = nodes.map((n) => n.metadata?.name ?? '');
    const rank = (n: (typeof nodes)[number]) => (selected(n.metadata?.labels) ? 0 : 1);
    this.nodeNames = [...nodes].sort((a, b) => rank(a) - rank(b)).map((n) => n.metadata?.name ?? '');
    const fmt = `{{.Name}} {{.State.Pid}} ${KIND_NETWORK_ADDRESS}`;
    const out = await this.docker.run(['inspect', '--format', fmt, ...names]);
    for (const line of out.stdout.trim().split('\n')) {
      const [name = '', pid = '', ip = ''] = line.trim().replace(/^\//, '').split(' ');
      this.nodePids.set(name, Number(pid));
      this.nodeIps.set(name, ip);
    }
  }

  /** etcd's metrics on the kind network (see {@link ETCD_METRICS_PATCH}) and the API server both answer. */
  private async waitForEtcdMetrics(signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !signal?.aborted) {
      const ok = await fetch(this.metrics.etcdUrl, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      const api = await this.kubeConfig()
        .makeApiClient(CoreV1Api)
        .listNamespace()
        .then(
          () => true,
          () => false,
        );
      if (ok && api) return;
      await sleep(1000, signal);
    }
    throw new BackendError(
      `etcd metrics at ${this.metrics.etcdUrl} or the API server did not answer within 120 s of kind create`,
    );
  }

  get workDir(): string {
    return this.cluster.spec.workDir;
  }
  kubeConfig(): KubeConfig {
    return this.cluster.kubeConfig();
  }

  controlPlaneCpu(): SampledProcess[] {
    const root = this.nodePids.get(this.cluster.controlPlaneContainer) ?? -1;
    const procs = readHostProcesses();
    const one = (role: 'kube-apiserver' | 'etcd'): SampledProcess[] => {
      const found = descendantsMatching(procs, root, (p) => p.comm === role);
      if (found.length !== 1)
        throw new BackendError(
          `expected one ${role} below ${this.cluster.controlPlaneContainer}, found ${found.length}`,
        );
      return [{ role, pid: (found[0] as { pid: number }).pid }];
    };
    return [...one('kube-apiserver'), ...one('etcd')];
  }

  agentCpu(): SampledProcess[] {
    const procs = readHostProcesses();
    return this.nodeNames.flatMap((node) =>
      descendantsMatching(
        procs,
        this.nodePids.get(node) ?? -1,
        // The image runs the bundle (IMAGE_PATHS.announcer), not announcer/main.ts.
        (p) => p.cmdline.includes(IMAGE_PATHS.announcer) && !p.cmdline.includes('--operator-only'),
      ).map((p) => ({ role: 'announcer' as const, node, pid: p.pid })),
    );
  }

  /** Through the shared poller (harness/measure/vip-poller.ts), from this host, the kind bridge's gateway. */
  waitUntilAllAnswer(vips: readonly string[], timeoutMs: number, signal?: AbortSignal) {
    return waitUntilAllAnswer(hostVipClient, vips, this.scenario.services.echo.port, timeoutMs, signal);
  }
  startProbes(spec: ProbeSpec): Promise<RunningProbes> {
    return startProbes({ ...spec, k6Path: this.k6Path, netns: null, hostOnProjectBridge: true });
  }

  async injectFault(fault: FaultKind, node: string, signal?: AbortSignal): Promise<void> {
    const f = this.scenario.faults;
    this.faultAtMs = Date.now();
    switch (fault) {
      case 'node-crash':
        return this.faults.kill(node);
      case 'agent-crash': {
        // SIGKILL of the agent's process in the node container; kubelet restarts the container at
        // once the first time (its back-off starts after that), as after an OOM kill.
        const pids = this.agentCpu().filter((p) => p.node === node);
        if (pids.length === 0) throw new BackendError(`no agent process found in kind node ${node}`);
        for (const p of pids) process.kill(p.pid ?? -1, 'SIGKILL');
        return;
      }
      case 'control-plane-outage': {
        const cpIp = this.nodeIps.get(this.cluster.controlPlaneContainer);
        if (!cpIp) throw new BackendError('no kind-network address known for the control-plane node');
        // The control-plane node itself reaches its API server locally; the route cuts the others.
        const workers = this.nodeNames.filter((n) => n !== this.cluster.controlPlaneContainer);
        try {
          await Promise.all(workers.map((n) => this.faults.setApiServerReachable(n, cpIp, false)));
          await sleep(f.controlPlaneOutageSeconds * 1000, signal);
        } finally {
          await Promise.all(workers.map((n) => this.faults.setApiServerReachable(n, cpIp, true)));
        }
        return;
      }
      case 'graceful':
        return this.deployment.runner.deleteAgentPod(node);
      case 'freeze':
        await this.faults.pause(node);
        await sleep(f.freezeSeconds * 1000, signal);
        return this.faults.unpause(node);
      case 'partition': {
        const ip = this.nodeIps.get(node);
        if (!ip) throw new BackendError(`no kind-network address known for node ${node}`);
        await this.faults.disconnect(KIND_NETWORK, node);
        await sleep(f.partitionSeconds * 1000, signal);
        return this.faults.connect(KIND_NETWORK, node, ip);
      }
    }
  }

  async restoreNode(fault: FaultKind, node: string, signal?: AbortSignal): Promise<void> {
    if (fault === 'node-crash') {
      await this.faults.start(node);
      await this.inspectNodes(this.scenario);
    }
    // A pause or partition leaves the pod Ready as far as the API knows: nothing to wait for then.
    if (fault === 'node-crash' || fault === 'graceful' || fault === 'agent-crash')
      await this.deployment.runner.waitAgentReadyOn(node, this.faultAtMs, signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stack.disposeAsync();
  }
}

/** `docker inspect --format` of a node container's address on the kind network. */
const KIND_NETWORK_ADDRESS = `{{(index .NetworkSettings.Networks "${KIND_NETWORK}").IPAddress}}`;

/** Where kubeadm's kube-apiserver listens on kind's control-plane node. */
const KIND_APISERVER_PORT = 6443;

/**
 * The node image: `L2BENCH_KIND_NODE_IMAGE` when set (e.g. a kindest/node where a registry is
 * reachable), else the l2bench node image built here with no registry (found by content hash;
 * built on first use), whose etcd tag kubeadm must be told. Either way etcd's metrics leave loopback.
 */
async function kindNodeImage(
  progress: (line: string) => void,
): Promise<{ nodeImage: string; kubeadmConfigPatches: string[] }> {
  const own = process.env.L2BENCH_KIND_NODE_IMAGE;
  if (own) return { nodeImage: own, kubeadmConfigPatches: [ETCD_METRICS_PATCH] };
  const image = await buildKindNodeImage(progress);
  return { nodeImage: image.tag, kubeadmConfigPatches: [kubeadmEtcdPatch(), ETCD_METRICS_PATCH] };
}
