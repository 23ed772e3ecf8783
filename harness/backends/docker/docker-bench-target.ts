import { announcerFlags } from '../../manifests/announcer-flags.js';
import { AGENT_NODE_FLAGS } from './bundle.js';
import 'disposablestack/auto';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { AnnouncerEventLog, parseAnnouncerLine } from '../../deployment/announcer-events.js';
import { serviceLease } from '../../deployment/announcing-node.js';
import { resetAnnouncerObjects } from '../../deployment/reset-announcer-objects.js';
import { BackendError } from '../../errors.js';
import { applyManifests, readManifestDir, withLabel } from '../../manifests/apply-manifests.js';
import {
  announcementObjects,
  planServices,
  RUN_LABEL,
  serviceObject,
} from '../../manifests/scenario-objects.js';
import type { MetricsEndpoints } from '../../measure/control-plane-metrics.js';
import type { SampledProcess } from '../../measure/cpu-sampler.js';
import type { RunningProbes } from '../../measure/k6-probe.js';
import { repoRoot } from '../../paths.js';
import type { FaultKind } from '../../scenario/fault-kind.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { sleep } from '../../shutdown-signal.js';
import {
  assertSameClusterShape,
  type BenchTarget,
  type BenchTargetOptions,
  type DeployedService,
  type ProbeSpec,
} from '../bench-target.js';
import { type CgroupFiles, readCgroupCpu } from './container-cpu.js';
import type { ContainerProcess } from './container-process.js';
import { type DockerNode, StartedDockerCluster } from './docker-cluster.js';
import {
  type DockerFaultKind,
  injectDockerFault,
  liftDockerFault,
  setApiServerReachableIn,
} from './docker-faults.js';
import { hostWaitUntilAllAnswer, startProbeContainer } from './docker-probes.js';
import { IMAGE_PATHS } from './images.js';

/** The agent's flags from the scenario (the same the local backend passes). */
export function agentFlags(
  s: ResolvedScenario,
  node: string,
  kubeconfig: string,
  operator: boolean,
): string[] {
  return [
    ...['--kubeconfig', kubeconfig, '--node-name', node, '--metrics-port', '9090'],
    ...announcerFlags(s.announcer),
    // One operator candidate per cluster, like the seed's cilium-operator with replicas: 1.
    ...(operator ? ['--operator'] : []),
  ];
}

/** Which Docker-level fault carries each scenario fault kind on this backend. */
const DOCKER_FAULT: Partial<Record<FaultKind, DockerFaultKind>> = {
  'node-crash': 'kill',
  freeze: 'pause',
  partition: 'disconnect',
};

/**
 * The `docker` backend as a {@link BenchTarget}: nodes are containers on a user-defined bridge
 * (the network model of kind), the control plane one container whose cgroup gives its exact CPU.
 * Probes run from a k6 container on the same network; readiness checks from the host, which is on
 * the bridge too.
 *
 * Faults are Docker-level, shared with kind (harness/backends/docker/docker-faults.ts): `node-crash` =
 * `docker kill` of the node container (every process and the VIPs in its network namespace go;
 * restored by starting it again and re-running the agent); `freeze` = `docker pause` for
 * freezeSeconds (the whole node hangs, the echo backend too, while its kernel still answers ARP;
 * on `local` only the agent stops); `partition` = `docker network disconnect` for partitionSeconds
 * (the node's interface and VIPs go; reconnected with the same address); `graceful` = SIGTERM to
 * the agent (it releases its leases); `agent-crash` = SIGKILL of the agent process inside the node
 * container (the container, its interface and VIPs stay) and the agent started again at once;
 * `control-plane-outage` = an `unreachable` route to the control-plane container's address inside
 * every node container for controlPlaneOutageSeconds (the control-plane container stays connected,
 * so etcd and the harness's scrapes are unaffected).
 */
export class DockerBenchTarget implements BenchTarget {
  readonly backend = 'docker' as const;
  readonly metrics: MetricsEndpoints;
  readonly events = new AnnouncerEventLog();
  readonly agents = new Map<number, ContainerProcess>();
  services: DeployedService[] = [];
  private readonly kc: KubeConfig;
  /** Set by reconfigure when the next createServices adopts the existing services. */
  #servicesKept = false;

  private constructor(
    readonly cluster: StartedDockerCluster,
    public scenario: ResolvedScenario,
    private readonly cpPids: { etcd: number; apiserver: number },
    private readonly cpCgroup: CgroupFiles,
  ) {
    this.metrics = {
      apiserverUrl: cluster.apiServerUrl,
      apiserverTls: cluster.adminTls,
      etcdUrl: cluster.etcdMetricsUrl,
    };
    this.kc = cluster.kubeConfig();
  }

  static async start(o: BenchTargetOptions): Promise<DockerBenchTarget> {
    const s = o.scenario;
    const selected = s.nodes.count;
    await using stack = new AsyncDisposableStack();
    const cluster = stack.use(
      await StartedDockerCluster.start({
        nodes: selected + s.nodes.unselected.count,
        nodeLabels: (i) => (i < selected ? s.nodes.labels : s.nodes.unselected.labels),
        ...(s.controlPlaneCpus === undefined ? {} : { controlPlaneCpus: s.controlPlaneCpus }),
        onProgress: (l) => o.progress(`  ${l}`),
      }),
    );
    const target = new DockerBenchTarget(
      cluster,
      s,
      await cluster.controlPlanePids(),
      await cluster.controlPlaneCgroup(),
    );
    cluster.defer(() => target.stopAllAgents());
    stack.move();
    return target;
  }

  get workDir(): string {
    return join(this.cluster.workDir, 'probes');
  }
  get nodeNames(): readonly string[] {
    return this.cluster.nodes.map((n) => n.name);
  }

  kubeConfig(): KubeConfig {
    return this.cluster.kubeConfig();
  }

  controlPlaneCpu(): SampledProcess[] {
    const cg = this.cpCgroup;
    return [
      { role: 'kube-apiserver', pid: this.cpPids.apiserver },
      { role: 'etcd', pid: this.cpPids.etcd },
      { role: 'control-plane', read: () => readCgroupCpu(cg) },
    ];
  }

  agentCpu(): SampledProcess[] {
    return [...this.agents.entries()]
      .filter(([, p]) => p.running)
      .map(([i, p]) => ({ role: 'announcer', node: this.cluster.nodes[i]?.name, pid: p.pid }));
  }

  async prepare(): Promise<void> {
    const { cluster, scenario } = this;
    const deployDir = join(repoRoot, 'announcer', 'deploy');
    await applyManifests(this.kc, readManifestDir(join(deployDir, 'crds')));
    await applyManifests(
      this.kc,
      readManifestDir(deployDir).map((o) => withLabel(o, RUN_LABEL, cluster.runId)),
    );
    await applyManifests(this.kc, announcementObjects(scenario, cluster.plan.vipCidr, cluster.runId));
    // The echo backend is every node container's main process: already serving.
  }

  /** Creates the scenario's services, or adopts the ones {@link reconfigure} kept. */
  async createServices(): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const plans = planServices(this.scenario);
    const kept = this.#servicesKept;
    this.#servicesKept = false;
    for (const p of kept ? [] : plans) {
      await core.createNamespacedService({
        namespace: p.namespace,
        body: serviceObject(p, this.scenario, this.cluster.runId),
      });
    }
    const a = this.scenario.announcer;
    this.services = plans.map((p) => ({ ...p, vip: null, ...serviceLease(a.strategy, p, a.leaseNameStyle) }));
  }

  /**
   * The next variant on the same containers (as the local backend does): agents stopped, the
   * announcer's Leases and the run's services deleted (services kept when identical), the new
   * pool and policy applied. The control plane, node containers and echo backends stay.
   */
  async reconfigure(scenario: ResolvedScenario, signal?: AbortSignal): Promise<{ servicesKept: boolean }> {
    assertSameClusterShape(`docker run ${this.cluster.runId}`, this.scenario, scenario);
    await this.stopAllAgents();
    const r = await resetAnnouncerObjects(this.kc, {
      runId: this.cluster.runId,
      vipCidr: this.cluster.plan.vipCidr,
      from: this.scenario,
      to: scenario,
      servicesExist: this.services.length > 0,
      signal,
    });
    this.scenario = scenario;
    this.services = [];
    this.#servicesKept = r.servicesKept;
    return r;
  }

  async waitForAddresses(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const deadline = Date.now() + timeoutMs;
    const wanted = this.services.filter((s) => s.announced);
    while (Date.now() < deadline && !signal?.aborted) {
      const list = await core.listNamespacedService({
        namespace: this.scenario.services.namespace,
        labelSelector: `${RUN_LABEL}=${this.cluster.runId}`,
      });
      const byName = new Map(list.items.map((s: V1Service) => [s.metadata?.name ?? '', s]));
      for (const s of wanted) s.vip = byName.get(s.name)?.status?.loadBalancer?.ingress?.[0]?.ip ?? null;
      if (wanted.every((s) => s.vip)) return;
      await sleep(250, signal);
    }
    const missing = wanted.filter((s) => !s.vip).map((s) => s.name);
    if (missing.length > 0)
      throw new BackendError(
        `no LoadBalancer address after ${timeoutMs}ms for ${missing.length} services (${missing.slice(0, 3).join(', ')}…): is the IPAM operator running?`,
      );
  }

  /** Starts (or keeps) the agent in node i's container. */
  async startAgent(i: number): Promise<ContainerProcess> {
    const node = this.cluster.nodes[i];
    if (!node) throw new BackendError(`no node ${i}`);
    const old = this.agents.get(i);
    if (old?.running) return old;
    const proc = await this.cluster.execInNode(i, {
      name: `announcer-${node.name}`,
      cmd: [
        IMAGE_PATHS.node,
        ...AGENT_NODE_FLAGS,
        IMAGE_PATHS.announcer,
        ...agentFlags(this.scenario, node.name, node.kubeconfigPath, i === 0),
      ],
      logFile: join(this.cluster.workDir, 'logs', `announcer-${i}.log`),
      onLine: (line) => {
        const e = parseAnnouncerLine(line, node.name);
        if (e) this.events.push(e);
      },
    });
    this.agents.set(i, proc);
    return proc;
  }

  async startAllAgents(): Promise<void> {
    await Promise.all(this.cluster.nodes.map((n) => this.startAgent(n.index)));
  }

  async stopAllAgents(): Promise<void> {
    await Promise.all([...this.agents.values()].map((p) => p.stop(5000)));
    this.agents.clear();
  }

  waitUntilAllAnswer(
    vips: readonly string[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number | null> {
    return hostWaitUntilAllAnswer(vips, this.scenario.services.echo.port, timeoutMs, signal);
  }

  startProbes(spec: ProbeSpec): Promise<RunningProbes> {
    return startProbeContainer(this.cluster, spec);
  }

  async injectFault(fault: FaultKind, nodeName: string, signal?: AbortSignal): Promise<void> {
    const node = this.node(nodeName);
    const f = this.scenario.faults;
    if (fault === 'agent-crash') {
      const agent = this.agents.get(node.index);
      agent?.signal('SIGKILL');
      await agent?.waitForExit();
      this.agents.delete(node.index);
      await this.startAgent(node.index);
      return;
    }
    if (fault === 'control-plane-outage') {
      const apiserverIp = new URL(this.cluster.apiServerUrl).hostname;
      const containers = this.cluster.nodes.map((n) => this.cluster.docker.getContainer(n.container.getId()));
      try {
        await Promise.all(containers.map((c) => setApiServerReachableIn(c, apiserverIp, false)));
        await sleep(f.controlPlaneOutageSeconds * 1000, signal);
      } finally {
        await Promise.all(containers.map((c) => setApiServerReachableIn(c, apiserverIp, true)));
      }
      return;
    }
    const docker = DOCKER_FAULT[fault];
    if (!docker) {
      this.agents.get(node.index)?.signal('SIGTERM');
      return;
    }
    const target = this.faultTarget(node);
    await injectDockerFault(this.cluster.docker, docker, target);
    if (fault === 'node-crash') return;
    await sleep((fault === 'freeze' ? f.freezeSeconds : f.partitionSeconds) * 1000, signal);
    await liftDockerFault(this.cluster.docker, docker, target);
  }

  async restoreNode(fault: FaultKind, nodeName: string): Promise<void> {
    const node = this.node(nodeName);
    if (fault === 'node-crash') await liftDockerFault(this.cluster.docker, 'kill', this.faultTarget(node));
    if (fault === 'node-crash' || fault === 'graceful') {
      await this.agents.get(node.index)?.waitForExit();
      this.agents.delete(node.index);
      await this.startAgent(node.index);
    }
  }

  private faultTarget(node: DockerNode) {
    return {
      container: node.container.getId(),
      network: this.cluster.networkName,
      ipv4Address: node.ip,
      interfaceName: 'eth0',
    };
  }

  private node(name: string): DockerNode {
    const node = this.cluster.nodeByName(name);
    if (!node) throw new BackendError(`no node named ${name} in docker run ${this.cluster.runId}`);
    return node;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cluster[Symbol.asyncDispose]();
  }
}
