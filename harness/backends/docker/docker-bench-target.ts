import 'disposablestack/auto';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AgentProcesses } from '../../deployment/agent-processes.js';
import { AnnouncerDeployment } from '../../deployment/announcer-deployment.js';
import { BackendError } from '../../errors.js';
import { ControlPlaneLeaseWatch } from '../../measure/control-plane-leases.js';
import type { MetricsEndpoints } from '../../measure/control-plane-metrics.js';
import type { SampledProcess } from '../../measure/cpu-sampler.js';
import { hostVipClient } from '../../measure/curl-vip-client.js';
import type { RunningProbes } from '../../measure/k6-probe.js';
import { waitUntilAllAnswer } from '../../measure/vip-poller.js';
import type { FaultKind } from '../../scenario/fault-kind.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { sleep } from '../../shutdown-signal.js';
import type { BenchTarget, BenchTargetOptions, ProbeSpec } from '../bench-target.js';
import { DeployedTarget } from '../deployed-target.js';
import { type CgroupFiles, readCgroupCpu } from './container-cpu.js';
import type { ContainerProcess } from './container-process.js';
import { DockerAgentRunner } from './docker-agent-runner.js';
import { type ControlPlanePids, type DockerNode, StartedDockerCluster } from './docker-cluster.js';
import {
  type DockerFaultKind,
  injectDockerFault,
  liftDockerFault,
  setApiServerReachableIn,
} from './docker-faults.js';
import { startProbeContainer } from './docker-probes.js';

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
export class DockerBenchTarget
  extends DeployedTarget<AnnouncerDeployment<DockerAgentRunner>>
  implements BenchTarget
{
  readonly backend = 'docker' as const;
  readonly metrics: MetricsEndpoints;
  private constructor(
    readonly cluster: StartedDockerCluster,
    scenario: ResolvedScenario,
    private readonly cpPids: ControlPlanePids,
    private readonly cpCgroup: CgroupFiles,
    readonly controlPlaneLeases: ControlPlaneLeaseWatch,
  ) {
    super(
      new AnnouncerDeployment(new DockerAgentRunner(cluster), {
        kc: cluster.kubeConfig(),
        runId: cluster.runId,
        vipCidr: cluster.plan.vipCidr,
        scenario,
      }),
    );
    this.metrics = {
      apiserverUrl: cluster.apiServerUrl,
      apiserverTls: cluster.adminTls,
      etcdUrl: cluster.etcdMetricsUrl,
    };
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
    const leases = new ControlPlaneLeaseWatch(cluster.kubeConfig()).start();
    cluster.defer(() => leases[Symbol.dispose]());
    const target = new DockerBenchTarget(
      cluster,
      s,
      await cluster.controlPlanePids(),
      await cluster.controlPlaneCgroup(),
      leases,
    );
    cluster.defer(() => target.deployment[Symbol.asyncDispose]());
    stack.move();
    return target;
  }

  /** Running agents by node index. */
  get agents(): AgentProcesses<ContainerProcess> {
    return this.deployment.runner.agents;
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
      { role: 'kube-controller-manager', pid: this.cpPids.controllerManager },
      { role: 'kube-scheduler', pid: this.cpPids.scheduler },
      { role: 'control-plane', read: () => readCgroupCpu(cg) },
    ];
  }

  agentCpu(): SampledProcess[] {
    return this.agents.cpu((i) => this.cluster.nodes[i]?.name);
  }

  /**
   * The next variant on the same containers (as the local backend does): agents stopped, the
   * announcer's Leases and the run's services deleted (services kept when identical), the new
   * pool and policy applied. The control plane, node containers and echo backends stay.
   */
  reconfigure(scenario: ResolvedScenario, signal?: AbortSignal): Promise<{ servicesKept: boolean }> {
    return this.deployment.reconfigure(scenario, signal);
  }

  /** Through the shared poller (harness/measure/vip-poller.ts), from this host, the run's bridge gateway. */
  waitUntilAllAnswer(vips: readonly string[], timeoutMs: number, signal?: AbortSignal) {
    return waitUntilAllAnswer(hostVipClient, vips, this.scenario.services.echo.port, timeoutMs, signal);
  }

  startProbes(spec: ProbeSpec): Promise<RunningProbes> {
    return startProbeContainer(this.cluster, spec);
  }

  async injectFault(fault: FaultKind, nodeName: string, signal?: AbortSignal): Promise<void> {
    const node = this.node(nodeName);
    const f = this.scenario.faults;
    if (fault === 'agent-crash') {
      await this.agents.crashAndRestart(node.index);
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
      this.agents.signal(node.index, 'SIGTERM');
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
    if (fault === 'node-crash' || fault === 'graceful') await this.agents.restartAfterExit(node.index);
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
