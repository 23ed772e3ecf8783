import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import { AnnouncerEventLog, parseAnnouncerLine } from '../../deployment/announcer-events.js';
import { serviceLease } from '../../deployment/announcing-node.js';
import { announcementObjectsFor } from '../../deployment/idle-policy.js';
import { resetAnnouncerObjects } from '../../deployment/reset-announcer-objects.js';
import { BackendError } from '../../errors.js';
import { announcerFlags } from '../../manifests/announcer-flags.js';
import { applyManifests, readManifestDir, withLabel } from '../../manifests/apply-manifests.js';
import {
  announcementObjects,
  planServices,
  RUN_LABEL,
  serviceObject,
} from '../../manifests/scenario-objects.js';
import { repoRoot } from '../../paths.js';
import { KUBE_VIP_IGNORE_ANNOTATION, kubeVipLease, kubeVipRbacObjects } from '../../peers/kube-vip.js';
import { METALLB_POOL, METALLB_POOL_ANNOTATION } from '../../peers/metallb.js';
import { startKubeVip } from '../../peers/start-kube-vip.js';
import { LocalMetallb } from '../../peers/start-metallb.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { runCommand } from '../../util/run-command.js';
import type { DeployedService } from '../bench-target.js';
import { AGENT_NODE_FLAGS, bundledScriptFile } from '../docker/bundle.js';
import { agentServiceAccountObjects, writeAgentTokenKubeconfig } from './agent-identity.js';
import type { LocalNode, StartedLocalCluster } from './local-cluster.js';
import type { ManagedProcess } from './managed-process.js';

/**
 * The announcer deployed on a local cluster: CRDs, RBAC, pool, policy and services applied through
 * the API server; one echo backend and one agent process per node namespace.
 */
export class LocalDeployment implements AsyncDisposable {
  readonly events = new AnnouncerEventLog();
  readonly agents = new Map<number, ManagedProcess>();
  readonly echoes = new Map<number, ManagedProcess>();
  /** kube-vip runs: the bundled IPAM operator alone (`--operator-only`), on node 0. */
  operatorOnly: ManagedProcess | undefined;
  services: DeployedService[] = [];
  /** Per node: a kubeconfig with a bound ServiceAccount token (the bundled agent's identity). */
  readonly agentKubeconfigs = new Map<number, string>();
  private readonly kc: KubeConfig;
  /** The bundled agent and echo backend, written by {@link prepare} into the cluster's work dir. */
  #scripts: { agent: string; echo: string } | undefined;
  /** Set by reconfigure when the next createServices adopts the existing services. */
  #servicesKept = false;
  /** MetalLB runs: its controller, speakers and what kubelets would write (made on first use). */
  #metallb: LocalMetallb | undefined;

  constructor(
    readonly cluster: StartedLocalCluster,
    public scenario: ResolvedScenario,
  ) {
    this.kc = cluster.kubeConfig();
  }

  /** Applies CRDs, RBAC, pool and policy; starts every node's echo backend. */
  async prepare(): Promise<void> {
    const { cluster, scenario } = this;
    await this.bundleScripts();
    const deployDir = join(repoRoot, 'announcer', 'deploy');
    await applyManifests(this.kc, readManifestDir(join(deployDir, 'crds')));
    await applyManifests(
      this.kc,
      readManifestDir(deployDir).map((o) => withLabel(o, RUN_LABEL, cluster.runId)),
    );
    await applyManifests(this.kc, announcementObjects(scenario, cluster.plan.vipCidr, cluster.runId));
    await this.prepareAgentIdentity();
    // kube-vip hook: its RBAC, bound to each node's identity.
    if (this.isKubeVip) {
      const names = cluster.nodes.map((n) => n.name);
      await applyManifests(this.kc, kubeVipRbacObjects(names, { [RUN_LABEL]: cluster.runId }));
    }
    for (const node of cluster.nodes) await this.startEcho(node);
  }

  /** Points the announcement policy at the scenario's services, or at none (idle windows). */
  async setAnnouncing(announcing: boolean): Promise<void> {
    const { cluster } = this;
    await applyManifests(
      this.kc,
      announcementObjectsFor(this.scenario, cluster.plan.vipCidr, cluster.runId, announcing),
    );
  }

  /**
   * The bundled agent runs as a kube-system ServiceAccount with one bound token per node, as a
   * DaemonSet pod does (Cilium's agent included), so its requests meet the same authentication and
   * the same API Priority and Fairness FlowSchemas. kube-vip keeps its per-node certificates.
   */
  private async prepareAgentIdentity(): Promise<void> {
    const { cluster } = this;
    const anyNs = this.scenario.announcer.leaseNameStyle === 'kube-vip';
    await applyManifests(this.kc, agentServiceAccountObjects(cluster.runId, anyNs));
    for (const node of cluster.nodes) {
      const path = await writeAgentTokenKubeconfig({
        kc: this.kc,
        workDir: cluster.workDir,
        nodeIndex: node.index,
        clusterName: `l2b-${cluster.runId}`,
        server: cluster.apiServerUrl,
        caPem: cluster.adminTls.ca,
      });
      this.agentKubeconfigs.set(node.index, path);
    }
  }

  /**
   * Creates the scenario's services (the operator assigns VIPs once agents run), or adopts the
   * ones {@link reconfigure} kept.
   */
  async createServices(): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const plans = planServices(this.scenario);
    const kept = this.#servicesKept;
    this.#servicesKept = false;
    for (const p of kept ? [] : plans) {
      const body = serviceObject(p, this.scenario, this.cluster.runId);
      // kube-vip hook: it announces every LoadBalancer service with an address unless told not to.
      if (this.isKubeVip && !p.announced)
        body.metadata = { ...body.metadata, annotations: { [KUBE_VIP_IGNORE_ANNOTATION]: 'true' } };
      // MetalLB hook: its pool does not auto-assign; announced services ask for it.
      if (this.isMetallb && p.announced)
        body.metadata = { ...body.metadata, annotations: { [METALLB_POOL_ANNOTATION]: METALLB_POOL } };
      await core.createNamespacedService({ namespace: p.namespace, body });
    }
    if (this.isMetallb) await this.metallb.writeEndpointSlices(plans, this.scenario);
    const a = this.scenario.announcer;
    this.services = plans.map((p) => {
      // MetalLB has no Lease: its speakers' logs say who announces.
      if (this.isMetallb) return { ...p, vip: null, leaseName: null, leaseNamespace: p.namespace };
      const lease = this.isKubeVip
        ? {
            leaseName: kubeVipLease(p, a.kubeVipMode).name,
            leaseNamespace: kubeVipLease(p, a.kubeVipMode).namespace,
          }
        : serviceLease(a.strategy, p, a.leaseNameStyle);
      return { ...p, vip: null, ...lease };
    });
  }

  /**
   * Readies the deployment for another variant on the same nodes: stops every agent, deletes the
   * Leases the announcer made (service, bucket and node Leases; the IPAM operator's stays) and the
   * run's services, then applies the new scenario's pool and policy. Echo backends stay. Services
   * the new scenario would create identically are kept, with their addresses (IPAM assigns about
   * one a second on a loaded host, minutes for hundreds); returns whether they were.
   */
  async reconfigure(scenario: ResolvedScenario, signal?: AbortSignal): Promise<{ servicesKept: boolean }> {
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
    // A kube-vip-style variant needs the agents' Lease grant in every namespace (apply is idempotent).
    await applyManifests(
      this.kc,
      agentServiceAccountObjects(this.cluster.runId, scenario.announcer.leaseNameStyle === 'kube-vip'),
    );
    this.services = [];
    this.#servicesKept = r.servicesKept;
    return r;
  }

  /** Reads the VIPs IPAM wrote into each announced service's status, waiting up to `timeoutMs`. */
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
      await new Promise((r) => setTimeout(r, 250));
    }
    const missing = wanted.filter((s) => !s.vip).map((s) => s.name);
    if (missing.length > 0) {
      throw new BackendError(
        `no LoadBalancer address after ${timeoutMs}ms for ${missing.length} services (${missing.slice(0, 3).join(', ')}…): is the IPAM operator running?`,
      );
    }
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

  /** True when the real MetalLB announces instead of the bundled agent. */
  get isMetallb(): boolean {
    return this.scenario.announcer.implementation === 'metallb';
  }

  /** The MetalLB pieces of this cluster, made on first use. */
  get metallb(): LocalMetallb {
    this.#metallb ??= new LocalMetallb(this.cluster, this.kc, (e) => this.events.push(e));
    return this.#metallb;
  }

  /** True when the real kube-vip announces instead of the bundled agent. */
  get isKubeVip(): boolean {
    return this.scenario.announcer.implementation === 'kube-vip';
  }

  /** The agent command line for a node, from the scenario's announcer settings. */
  agentArgs(node: LocalNode, extra: readonly string[] = []): string[] {
    return [
      ...AGENT_NODE_FLAGS,
      this.scripts.agent,
      '--kubeconfig',
      this.agentKubeconfigs.get(node.index) ?? node.kubeconfigPath,
      '--node-name',
      node.name,
      '--metrics-port',
      '9090',
      ...announcerFlags(this.scenario.announcer),
      // One operator candidate per cluster, like the seed's cilium-operator with replicas: 1.
      ...(node.index === 0 && extra.length === 0 ? ['--operator'] : []),
      ...extra,
    ];
  }

  /** Starts (or restarts) the agent in node i's namespace. */
  async startAgent(i: number): Promise<ManagedProcess> {
    const node = this.cluster.nodes[i];
    if (!node) throw new BackendError(`no node ${i}`);
    const old = this.agents.get(i);
    if (old?.running) return old;
    await this.bundleScripts();
    if (this.isKubeVip) {
      const kv = await startKubeVip(this.cluster, node, this.scenario);
      this.agents.set(i, kv);
      return kv;
    }
    if (this.isMetallb) {
      const speaker = await this.metallb.startSpeaker(node);
      this.agents.set(i, speaker);
      return speaker;
    }
    const proc = await this.cluster.startInNamespace(node.netns, {
      name: `announcer-${node.name}`,
      command: process.execPath,
      args: this.agentArgs(node),
      cwd: repoRoot,
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
    if (this.isMetallb) {
      // Its controller is its IPAM; speakers run on the selected nodes only (no node selector).
      await this.metallb.prepare(this.scenario);
      await this.metallb.startController();
      const nodes = this.metallb.speakerNodes(this.scenario);
      await Promise.all(nodes.map((n) => this.startAgent(n.index)));
      return;
    }
    if (this.isKubeVip) {
      await this.startOperatorOnly();
      // kube-vip has no node selector of its own: it runs on the selected nodes only.
      const selected = this.cluster.nodes.filter((n) => n.index < this.scenario.nodes.count);
      await Promise.all(selected.map((n) => this.startAgent(n.index)));
      return;
    }
    await Promise.all(this.cluster.nodes.map((n) => this.startAgent(n.index)));
  }

  /** kube-vip hook: the bundled IPAM operator alone on node 0 (no elections, VIPs or ARP). */
  private async startOperatorOnly(): Promise<void> {
    if (this.operatorOnly?.running) return;
    const node = this.cluster.nodes[0];
    if (!node) throw new BackendError('no node 0 for the IPAM operator');
    await this.bundleScripts();
    this.operatorOnly = await this.cluster.startInNamespace(node.netns, {
      name: `ipam-operator-${node.name}`,
      command: process.execPath,
      args: this.agentArgs(node, ['--operator-only']),
      cwd: repoRoot,
      logFile: join(this.cluster.workDir, 'logs', 'ipam-operator.log'),
      onLine: (line) => {
        const e = parseAnnouncerLine(line, node.name);
        if (e) this.events.push(e);
      },
    });
  }

  /** Stops every agent gracefully (SIGTERM: leases released, VIPs unbound). */
  async stopAllAgents(): Promise<void> {
    await Promise.all(
      [...this.agents.values(), ...(this.operatorOnly ? [this.operatorOnly] : [])].map((p) => p.stop(5000)),
    );
    this.agents.clear();
    this.operatorOnly = undefined;
    if (this.#metallb) {
      await this.#metallb.stopController();
      for (const node of this.cluster.nodes) await this.#metallb.setVipRoutes(node, false);
    }
  }

  async startEcho(node: LocalNode): Promise<ManagedProcess> {
    const s = this.scenario.services.echo;
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

  /** Removes every VIP (/32 in the pool range) bound in a node's namespace: the kernel state a crash loses. */
  async flushVips(node: LocalNode): Promise<void> {
    // MetalLB binds no address: the node's routes for the pool are what it loses.
    if (this.isMetallb) await this.metallb.setVipRoutes(node, false);
    for (const s of this.services) {
      if (s.vip)
        await runCommand('ip', ['-n', node.netns, 'addr', 'del', `${s.vip}/32`, 'dev', node.ifname], {
          allowFailure: true,
        });
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stopAllAgents();
    await Promise.all([...this.echoes.values()].map((p) => p.stop(2000)));
  }
}
