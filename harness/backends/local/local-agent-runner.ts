import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ProcessAgentRunner } from '../../deployment/process-agent-runner.js';
import { BackendError } from '../../errors.js';
import { nodeAgentFlags } from '../../manifests/announcer-flags.js';
import { readManifestDir, withLabel } from '../../manifests/apply-manifests.js';
import { RUN_LABEL, type ServicePlan } from '../../manifests/scenario-objects.js';
import { repoRoot } from '../../paths.js';
import { kubeVipRbacObjects } from '../../peers/kube-vip.js';
import { startKubeVip } from '../../peers/start-kube-vip.js';
import { LocalMetallb } from '../../peers/start-metallb.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { AGENT_NODE_FLAGS, bundledScriptFile } from '../docker/bundle.js';
import { agentServiceAccountObjects } from './agent-identity.js';
import type { LocalNode, StartedLocalCluster } from './local-cluster.js';
import type { ManagedProcess } from './managed-process.js';

/** A node agent's command line: the node, the scenario and extra flags (`--operator-only`). */
export type AgentArgs = (node: LocalNode, scenario: ResolvedScenario, extra: readonly string[]) => string[];

/**
 * The local backend's agents: one `node` process per node network namespace (or the real kube-vip,
 * with the bundled IPAM operator alone on node 0; or MetalLB's speakers, with its controller on the
 * host), and one echo backend per node.
 */
export class LocalAgentRunner extends ProcessAgentRunner<ManagedProcess> {
  readonly echoes = new Map<number, ManagedProcess>();
  /** kube-vip runs: the bundled IPAM operator alone (`--operator-only`), on node 0. */
  operatorOnly: ManagedProcess | undefined;
  /** Per node: a kubeconfig with a bound ServiceAccount token (the bundled agent's identity). */
  readonly agentKubeconfigs = new Map<number, string>();
  /** The agent command line; {@link LocalDeployment} points it at its overridable `agentArgs`. */
  agentArgs: AgentArgs = (node, scenario, extra) => this.defaultAgentArgs(node, scenario, extra);
  /** The bundled agent and echo backend, written into the cluster's work dir. */
  #scripts: { agent: string; echo: string } | undefined;
  /** MetalLB runs: its controller, speakers and what kubelets would write (made on first use). */
  #metallb: LocalMetallb | undefined;

  constructor(readonly cluster: StartedLocalCluster) {
    super();
  }

  get where(): string {
    return `local run ${this.cluster.runId}`;
  }

  /**
   * The deploy dir's RBAC, and the bundled agent as a kube-system ServiceAccount with one bound
   * token per node, as a DaemonSet pod does (Cilium's agent included), so its requests meet the
   * same authentication and API Priority and Fairness FlowSchemas; kube-vip runs with the same
   * token (a kube-vip DaemonSet pod has one too), its RBAC bound to that ServiceAccount.
   */
  agentObjects(scenario: ResolvedScenario): KubernetesObject[] {
    const { runId } = this.cluster;
    return [
      ...readManifestDir(join(repoRoot, 'announcer', 'deploy')).map((o) => withLabel(o, RUN_LABEL, runId)),
      ...agentServiceAccountObjects(runId, scenario.announcer.leaseNameStyle === 'kube-vip'),
      ...(scenario.announcer.implementation === 'kube-vip'
        ? kubeVipRbacObjects(
            this.cluster.nodes.map((n) => n.name),
            { [RUN_LABEL]: runId },
          )
        : []),
    ];
  }

  /** Bundles the scripts, writes each node's token kubeconfig, starts every node's echo backend. */
  async prepare(scenario: ResolvedScenario): Promise<void> {
    this.scenario = scenario;
    const { cluster } = this;
    await this.bundleScripts();
    for (const node of cluster.nodes)
      this.agentKubeconfigs.set(node.index, await cluster.agentTokenKubeconfig(node.index));
    for (const node of cluster.nodes) await this.startEcho(node, scenario);
  }

  async startAll(scenario: ResolvedScenario): Promise<void> {
    this.scenario = scenario;
    if (scenario.announcer.implementation === 'metallb') {
      // Its controller is its IPAM; speakers run on the selected nodes only (no node selector).
      await this.metallb.prepare(scenario);
      await this.metallb.startController();
      const nodes = this.metallb.speakerNodes(scenario);
      await Promise.all(nodes.map((n) => this.agents.start(n.index)));
      return;
    }
    if (scenario.announcer.implementation === 'kube-vip') {
      await this.startOperatorOnly();
      // kube-vip has no node selector of its own: it runs on the selected nodes only.
      const selected = this.cluster.nodes.filter((n) => n.index < scenario.nodes.count);
      await Promise.all(selected.map((n) => this.agents.start(n.index)));
      return;
    }
    await Promise.all(this.cluster.nodes.map((n) => this.agents.start(n.index)));
  }

  override async stopAll(): Promise<void> {
    await Promise.all([super.stopAll(), this.operatorOnly?.stop(5000)]);
    this.operatorOnly = undefined;
    if (this.#metallb) {
      await this.#metallb.stopController();
      for (const node of this.cluster.nodes) await this.#metallb.setVipRoutes(node, false);
    }
  }

  /** MetalLB hook: the EndpointSlices a kubelet-fed control plane would hold (one ready endpoint each). */
  async servicesCreated(plans: readonly ServicePlan[], scenario: ResolvedScenario): Promise<void> {
    if (scenario.announcer.implementation === 'metallb')
      await this.metallb.writeEndpointSlices(plans, scenario);
  }

  /** MetalLB binds no address: a crashed node loses its routes for the pool instead. */
  async dropVipRoutes(node: LocalNode): Promise<void> {
    await this.#metallb?.setVipRoutes(node, false);
  }

  /** The MetalLB pieces of this cluster, made on first use. */
  get metallb(): LocalMetallb {
    this.#metallb ??= new LocalMetallb(this.cluster, this.cluster.kubeConfig(), (e) => this.events.push(e));
    return this.#metallb;
  }

  /** The bundled agent's command line for a node. */
  defaultAgentArgs(node: LocalNode, scenario: ResolvedScenario, extra: readonly string[] = []): string[] {
    const kubeconfig = this.agentKubeconfigs.get(node.index) ?? node.kubeconfigPath;
    // One operator candidate per cluster; `--operator-only` (extra) is that candidate already.
    const operator = node.index === 0 && extra.length === 0;
    return [
      ...AGENT_NODE_FLAGS,
      this.scripts.agent,
      ...nodeAgentFlags(scenario, node.name, kubeconfig, operator),
      ...extra,
    ];
  }

  protected async spawnAgent(i: number): Promise<ManagedProcess> {
    const node = this.node(i);
    await this.bundleScripts();
    if (this.scenario.announcer.implementation === 'kube-vip')
      // The identity a kube-vip DaemonSet pod has: the same kube-system ServiceAccount token as
      // the bundled agent's, so both meet the same authentication and APF level.
      return startKubeVip(
        this.cluster,
        node,
        this.scenario,
        this.agentKubeconfigs.get(i) ?? node.kubeconfigPath,
      );
    if (this.scenario.announcer.implementation === 'metallb') return this.metallb.startSpeaker(node);
    return this.startNodeProcess(node, `announcer-${node.name}`, `announcer-${i}.log`, []);
  }

  /** kube-vip hook: the bundled IPAM operator alone on node 0 (no elections, VIPs or ARP). */
  private async startOperatorOnly(): Promise<void> {
    if (this.operatorOnly?.running) return;
    const node = this.node(0);
    await this.bundleScripts();
    this.operatorOnly = await this.startNodeProcess(node, `ipam-operator-${node.name}`, 'ipam-operator.log', [
      '--operator-only',
    ]);
  }

  private startNodeProcess(
    node: LocalNode,
    name: string,
    logName: string,
    extra: readonly string[],
  ): Promise<ManagedProcess> {
    return this.cluster.startInNamespace(node.netns, {
      name,
      command: process.execPath,
      args: this.agentArgs(node, this.scenario, extra),
      cwd: repoRoot,
      logFile: join(this.cluster.workDir, 'logs', logName),
      onLine: this.events.lineSink(node.name),
    });
  }

  async startEcho(node: LocalNode, scenario: ResolvedScenario): Promise<ManagedProcess> {
    const s = scenario.services.echo;
    await this.bundleScripts();
    const proc = await this.cluster.startInNamespace(node.netns, {
      name: `echo-${node.name}`,
      command: process.execPath,
      args: [...AGENT_NODE_FLAGS, this.scripts.echo, node.name, String(s.port), String(s.targetPort)],
      cwd: repoRoot,
      logFile: join(this.cluster.workDir, 'logs', `echo-${node.index}.log`),
    });
    this.echoes.set(node.index, proc);
    return proc;
  }

  /**
   * Plain node on a bundle, as in the images (a runtime transpiler triples an agent's memory):
   * bundled once per harness process, written into the cluster's work dir.
   */
  private async bundleScripts(): Promise<void> {
    if (this.#scripts) return;
    const dir = join(this.cluster.workDir, 'bundle');
    this.#scripts = {
      agent: await bundledScriptFile(join(repoRoot, 'announcer', 'main.ts'), dir),
      echo: await bundledScriptFile(join(repoRoot, 'harness', 'backends', 'local', 'echo-server.ts'), dir),
    };
  }

  private get scripts(): { agent: string; echo: string } {
    if (!this.#scripts)
      throw new BackendError(
        'local deployment: the agent bundle is written when the first agent or echo backend starts',
      );
    return this.#scripts;
  }

  private node(i: number): LocalNode {
    const node = this.cluster.nodes[i];
    if (!node) throw new BackendError(`no node ${i} in ${this.where}`);
    return node;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stopAll();
    await Promise.all([...this.echoes.values()].map((p) => p.stop(2000)));
  }
}
