import { join } from 'node:path';
import {
  createLoadLeases,
  identityFiles,
  type LeaseLoad,
  type LoadVerb,
  startLeaseLoad,
  vusFor,
} from '../../calibrate/lease-load.js';
import 'disposablestack/auto';
import type { KubeConfig } from '@kubernetes/client-node';
import { BackendError } from '../../errors.js';
import { ArpWatch } from '../../measure/arp-watch.js';
import { ControlPlaneLeaseWatch } from '../../measure/control-plane-leases.js';
import type { MetricsEndpoints } from '../../measure/control-plane-metrics.js';
import type { SampledProcess } from '../../measure/cpu-sampler.js';
import { netnsVipClient } from '../../measure/curl-vip-client.js';
import { type RunningProbes, startProbes } from '../../measure/k6-probe.js';
import { waitUntilAllAnswer } from '../../measure/vip-poller.js';
import { metallbAnnouncingNode } from '../../peers/metallb-log.js';
import type { FaultKind } from '../../scenario/fault-kind.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { sleep } from '../../shutdown-signal.js';
import type {
  BenchTarget,
  BenchTargetOptions,
  DeployedService,
  ProbeSpec,
  WireWatch,
} from '../bench-target.js';
import { DeployedTarget } from '../deployed-target.js';
import { type LocalNode, StartedLocalCluster } from './local-cluster.js';
import { LocalDeployment } from './local-deployment.js';
import { setApiServerReachable } from './node-api-route.js';

/**
 * The `local` backend as a {@link BenchTarget}: a real etcd and kube-apiserver as processes, one
 * network namespace per node with an agent and an echo backend, probes from the client namespace.
 *
 * Faults: `node-crash` = SIGKILL of the agent and the echo backend, and the VIPs the node's kernel
 * held are removed (a node that dies loses its addresses; without this the dead node's kernel would
 * go on answering ARP); `agent-crash` = SIGKILL of the agent alone, its VIPs left bound as a killed
 * process leaves them, and the agent started again at once (as a kubelet restarts a crashed
 * container the first time); `freeze` = SIGSTOP of the agent, SIGCONT after freezeSeconds (the
 * node's kernel and echo keep answering, as a hung agent's node would); `partition` = the node's
 * link down for partitionSeconds; `graceful` = SIGTERM (the agent releases its leases);
 * `control-plane-outage` = an `unreachable` route to kube-apiserver's address in every node's
 * namespace for controlPlaneOutageSeconds (etcd, the API server and the nodes stay up; the host's
 * own routes are not touched).
 */
export class LocalBenchTarget extends DeployedTarget<LocalDeployment> implements BenchTarget {
  readonly backend = 'local' as const;
  readonly metrics: MetricsEndpoints;

  private constructor(
    readonly cluster: StartedLocalCluster,
    deployment: LocalDeployment,
    private readonly k6Path: string,
    private readonly stack: AsyncDisposableStack,
    readonly controlPlaneLeases: ControlPlaneLeaseWatch,
  ) {
    super(deployment);
    this.metrics = {
      apiserverUrl: cluster.apiServerUrl,
      apiserverTls: cluster.adminTls,
      etcdUrl: cluster.etcdMetricsUrl,
    };
  }

  /** Starts a local cluster sized for the scenario (selected nodes first) with the deployment ready to prepare. */
  static async start(o: BenchTargetOptions): Promise<LocalBenchTarget> {
    const s = o.scenario;
    const selected = s.nodes.count;
    await using stack = new AsyncDisposableStack();
    const cluster = stack.use(
      await StartedLocalCluster.start({
        nodes: selected + s.nodes.unselected.count,
        nodeLabels: (i) => (i < selected ? s.nodes.labels : s.nodes.unselected.labels),
        onProgress: (l) => o.progress(`  ${l}`),
      }),
    );
    const deployment = stack.use(new LocalDeployment(cluster, s));
    const leases = stack.use(new ControlPlaneLeaseWatch(cluster.kubeConfig()).start());
    return new LocalBenchTarget(cluster, deployment, o.k6Path, stack.move(), leases);
  }

  get workDir(): string {
    return this.cluster.workDir;
  }

  /** Load Leases made so far, and node 0's agent identity as files k6 opens (made on first use). */
  #load: { leases: number; identityEnv: Record<string, string> } | undefined;

  /**
   * k6's fixed-rate Lease GETs or PUTs from the client namespace with node 0's agent token (the
   * agents' identity, so APF puts the load in their priority level), on Leases of its own.
   */
  async startLeaseLoad(verb: LoadVerb, rate: number, seconds: number): Promise<LeaseLoad> {
    if (!this.#load) {
      const kubeconfig = await this.cluster.agentTokenKubeconfig(0);
      const identity = identityFiles(kubeconfig, join(this.workDir, 'calibration'));
      this.#load = { leases: 0, identityEnv: identity.env };
    }
    const need = vusFor(rate).maxVus;
    if (need > this.#load.leases) {
      const holder = this.cluster.nodes[0]?.name ?? 'l2bench';
      await createLoadLeases(this.kubeConfig(), this.cluster.runId, holder, {
        from: this.#load.leases + 1,
        to: need,
      });
      this.#load.leases = need;
    }
    return startLeaseLoad(this.cluster, {
      k6: this.k6Path,
      verb,
      rate,
      seconds,
      identityEnv: this.#load.identityEnv,
    });
  }
  get nodeNames(): readonly string[] {
    return this.cluster.nodes.map((n) => n.name);
  }

  kubeConfig(): KubeConfig {
    return this.cluster.kubeConfig();
  }

  /** MetalLB has no Lease: who announces is what its speakers logged last. */
  get announcingNode(): ((service: DeployedService) => string | null) | undefined {
    if (!this.deployment.isMetallb) return undefined;
    return (s) => (s.vip ? metallbAnnouncingNode(this.events.events, s.vip) : null);
  }

  controlPlaneCpu(): SampledProcess[] {
    const kcm = this.cluster.components.controllerManager;
    return [
      { role: 'kube-apiserver', pid: this.cluster.apiserver.pid },
      { role: 'etcd', pid: this.cluster.etcd.pid },
      ...(kcm ? [{ role: 'kube-controller-manager' as const, pid: kcm.pid }] : []),
      { role: 'kube-scheduler', pid: this.cluster.components.scheduler.pid },
    ];
  }

  agentCpu(): SampledProcess[] {
    return this.deployment.runner.agents.cpu((i) => this.cluster.nodes[i]?.name);
  }

  reconfigure(scenario: ResolvedScenario, signal?: AbortSignal): Promise<{ servicesKept: boolean }> {
    return this.deployment.reconfigure(scenario, signal);
  }
  setAnnouncing(announcing: boolean): Promise<void> {
    return this.deployment.setAnnouncing(announcing);
  }

  /** Through the shared poller (harness/measure/vip-poller.ts), from the client namespace. */
  waitUntilAllAnswer(vips: readonly string[], timeoutMs: number, signal?: AbortSignal) {
    const client = netnsVipClient(this.cluster.network.client.netns);
    return waitUntilAllAnswer(client, vips, this.scenario.services.echo.port, timeoutMs, signal);
  }

  startProbes(spec: ProbeSpec): Promise<RunningProbes> {
    return startProbes({ ...spec, k6Path: this.k6Path, netns: this.cluster.network.client.netns });
  }

  async startWireWatch(vips: readonly string[], maxSeconds: number): Promise<WireWatch> {
    const { client } = this.cluster.network;
    return ArpWatch.start({
      netns: client.netns,
      iface: client.ifname,
      clientIp: client.ip,
      vips,
      nodes: this.cluster.nodes.map((n) => ({ name: n.name, mac: n.mac, netns: n.netns, ifname: n.ifname })),
      maxSeconds,
    });
  }

  async injectFault(fault: FaultKind, nodeName: string, signal?: AbortSignal): Promise<void> {
    const node = this.node(nodeName);
    const d = this.deployment;
    const agent = d.agents.get(node.index);
    const f = this.scenario.faults;
    switch (fault) {
      case 'node-crash':
        agent?.signal('SIGKILL');
        d.echoes.get(node.index)?.signal('SIGKILL');
        await d.flushVips(node);
        return;
      case 'agent-crash':
        await d.runner.agents.crashAndRestart(node.index);
        return;
      case 'control-plane-outage': {
        const nodes = this.cluster.nodes;
        const apiserver = this.cluster.plan.gateway;
        try {
          await Promise.all(nodes.map((n) => setApiServerReachable(n.netns, apiserver, false)));
          await sleep(f.controlPlaneOutageSeconds * 1000, signal);
        } finally {
          await Promise.all(nodes.map((n) => setApiServerReachable(n.netns, apiserver, true)));
        }
        return;
      }
      case 'graceful':
        agent?.signal('SIGTERM');
        return;
      case 'freeze':
        agent?.signal('SIGSTOP');
        await sleep(f.freezeSeconds * 1000, signal);
        agent?.signal('SIGCONT');
        return;
      case 'partition':
        await this.cluster.network.setLink(node, false);
        await sleep(f.partitionSeconds * 1000, signal);
        await this.cluster.network.setLink(node, true);
        return;
    }
  }

  async restoreNode(fault: FaultKind, nodeName: string): Promise<void> {
    const node = this.node(nodeName);
    const d = this.deployment;
    if (fault === 'node-crash') {
      await d.echoes.get(node.index)?.waitForExit();
      await d.startEcho(node);
    }
    if (fault === 'node-crash' || fault === 'graceful') await d.runner.agents.restartAfterExit(node.index);
  }

  private node(name: string): LocalNode {
    const node = this.cluster.nodes.find((n) => n.name === name);
    if (!node) throw new BackendError(`no node named ${name} in local run ${this.cluster.runId}`);
    return node;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stack.disposeAsync();
  }
}
