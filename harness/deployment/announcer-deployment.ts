import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { assertSameClusterShape, type DeployedService } from '../backends/bench-target.js';
import { BackendError } from '../errors.js';
import { crdManifests, namespaceManifest } from '../manifests/run-manifests.js';
import { planServices, RUN_LABEL, serviceObject } from '../manifests/scenario-objects.js';
import { KUBE_VIP_IGNORE_ANNOTATION, kubeVipLease } from '../peers/kube-vip.js';
import { METALLB_POOL, METALLB_POOL_ANNOTATION } from '../peers/metallb.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { sleep } from '../shutdown-signal.js';
import type { AgentRunner } from './agent-runner.js';
import type { AnnouncerEventLog } from './announcer-events.js';
import { serviceLease } from './announcing-node.js';
import { type DeploymentApi, kubeDeploymentApi } from './deployment-api.js';
import { announcementObjectsFor } from './idle-policy.js';

/** How often {@link AnnouncerDeployment.waitForAddresses} reads the services' status. */
const ADDRESS_POLL_MS = 250;

export interface AnnouncerDeploymentOptions {
  kc: KubeConfig;
  runId: string;
  /** The pool block when the scenario sets none: the range the backend carved for VIPs. */
  vipCidr: string;
  scenario: ResolvedScenario;
  /**
   * On dispose, remove what the run created (labelled objects, namespaces and CRDs it created):
   * for clusters that outlive the run (kind, cluster). Local and docker clusters go as a whole.
   */
  removeObjects?: boolean;
  progress?: (line: string) => void;
  /** The API seam; the real API server through `kc` unless a test fakes it. */
  api?: DeploymentApi;
}

/**
 * The announcer deployed on a cluster, the same on every backend: CRDs and namespaces (created when
 * absent), the agents' RBAC, the pool and announcement policy, the scenario's services and their
 * addresses, the idle policy, and readying the cluster for the next variant. Running the agents
 * themselves is the backend's {@link AgentRunner}.
 */
export class AnnouncerDeployment<R extends AgentRunner = AgentRunner> implements AsyncDisposable {
  services: DeployedService[] = [];
  scenario: ResolvedScenario;
  readonly runId: string;
  readonly vipCidr: string;
  protected readonly api: DeploymentApi;
  readonly #createdCrds: string[] = [];
  readonly #createdNamespaces: string[] = [];
  readonly #removeObjects: boolean;
  readonly #progress: (line: string) => void;
  /** Set by reconfigure when the next createServices adopts the existing services. */
  #servicesKept = false;

  constructor(
    readonly runner: R,
    o: AnnouncerDeploymentOptions,
  ) {
    this.scenario = o.scenario;
    this.runId = o.runId;
    this.vipCidr = o.vipCidr;
    this.api = o.api ?? kubeDeploymentApi(o.kc);
    this.#removeObjects = o.removeObjects ?? false;
    this.#progress = o.progress ?? (() => undefined);
  }

  get events(): AnnouncerEventLog {
    return this.runner.events;
  }

  /** True when the real kube-vip announces instead of the bundled agent. */
  get isKubeVip(): boolean {
    return this.scenario.announcer.implementation === 'kube-vip';
  }

  /** True when the real MetalLB announces instead of the bundled agent. */
  get isMetallb(): boolean {
    return this.scenario.announcer.implementation === 'metallb';
  }

  /** CRDs and namespaces (when absent), the agents' RBAC, pool and policy; then the runner's echo backends. No agents yet. */
  async prepare(signal?: AbortSignal): Promise<void> {
    const namespaces = [...this.runner.namespaces, this.scenario.services.namespace];
    this.#progress(`deploy: CRDs, namespaces ${namespaces.join(', ')}, RBAC, pool, policy, echo backend`);
    for (const crd of crdManifests()) await this.createIfAbsent(crd, this.#createdCrds);
    for (const ns of new Set(namespaces))
      await this.createIfAbsent(
        namespaceManifest(ns, this.runId) as KubernetesObject,
        this.#createdNamespaces,
      );
    await this.api.apply(this.runner.agentObjects(this.scenario));
    await this.setAnnouncing(true);
    await this.runner.prepare(this.scenario, signal);
  }

  private async createIfAbsent(obj: KubernetesObject, created: string[]): Promise<void> {
    const kind = obj.kind as 'CustomResourceDefinition' | 'Namespace';
    const name = obj.metadata?.name ?? '';
    if (await this.api.exists(kind, name)) return;
    await this.api.apply([obj]);
    created.push(name);
  }

  /** Points the announcement policy at the scenario's services, or at none (idle windows). */
  async setAnnouncing(announcing: boolean): Promise<void> {
    await this.api.apply(announcementObjectsFor(this.scenario, this.vipCidr, this.runId, announcing));
  }

  startAllAgents(signal?: AbortSignal): Promise<void> {
    return this.runner.startAll(this.scenario, signal);
  }

  stopAllAgents(signal?: AbortSignal): Promise<void> {
    return this.runner.stopAll(signal);
  }

  /**
   * Creates the scenario's services (the operator assigns VIPs once agents run), or adopts the
   * ones {@link reconfigure} kept. Each is created, never overwritten: a Service of that name the
   * run did not make is an error, not ours to replace.
   */
  async createServices(): Promise<void> {
    const plans = planServices(this.scenario);
    const kept = this.#servicesKept;
    this.#servicesKept = false;
    for (const p of kept ? [] : plans) {
      const body = serviceObject(p, this.scenario, this.runId);
      // kube-vip hook: it announces every LoadBalancer service with an address unless told not to.
      if (this.isKubeVip && !p.announced)
        body.metadata = { ...body.metadata, annotations: { [KUBE_VIP_IGNORE_ANNOTATION]: 'true' } };
      // MetalLB hook: its pool does not auto-assign; announced services ask for it.
      if (this.isMetallb && p.announced)
        body.metadata = { ...body.metadata, annotations: { [METALLB_POOL_ANNOTATION]: METALLB_POOL } };
      await this.api.createService(body);
    }
    await this.runner.servicesCreated?.(plans, this.scenario);
    const a = this.scenario.announcer;
    this.services = plans.map((p) => {
      // MetalLB has no Lease: its speakers' logs say who announces.
      if (this.isMetallb) return { ...p, vip: null, leaseName: null, leaseNamespace: p.namespace };
      const lease = this.isKubeVip
        ? {
            leaseName: kubeVipLease(p, a.kubeVipMode).name,
            leaseNamespace: kubeVipLease(p, a.kubeVipMode).namespace,
          }
        : serviceLease(a.strategy, p, a.leaseNameStyle, this.runner.leaseNamespace);
      return { ...p, vip: null, ...lease };
    });
  }

  /**
   * Readies the deployment for another variant of the same cluster shape: stops every agent,
   * deletes the Leases the announcer made (the IPAM operator's stays) and the run's services, then
   * applies the new scenario's RBAC, pool and policy. Echo backends stay. Services the new scenario
   * would create identically are kept, with their addresses (IPAM assigns about one a second on a
   * loaded host, minutes for hundreds); returns whether they were.
   */
  async reconfigure(scenario: ResolvedScenario, signal?: AbortSignal): Promise<{ servicesKept: boolean }> {
    assertSameClusterShape(this.runner.where, this.scenario, scenario);
    await this.runner.stopAll(signal);
    const r = await this.api.resetObjects({
      runId: this.runId,
      vipCidr: this.vipCidr,
      from: this.scenario,
      to: scenario,
      servicesExist: this.services.length > 0,
      leaseNamespace: this.runner.leaseNamespace,
      signal,
    });
    this.scenario = scenario;
    // A kube-vip-style variant needs the agents' Lease grant in every namespace (apply is idempotent).
    await this.api.apply(this.runner.agentObjects(scenario));
    this.services = [];
    this.#servicesKept = r.servicesKept;
    return r;
  }

  /** Reads the VIPs IPAM wrote into each announced service's status, waiting up to `timeoutMs`. */
  async waitForAddresses(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const wanted = this.services.filter((s) => s.announced);
    while (Date.now() < deadline && !signal?.aborted) {
      const list = await this.api.listServices(
        this.scenario.services.namespace,
        `${RUN_LABEL}=${this.runId}`,
      );
      const byName = new Map(list.map((s) => [s.metadata?.name ?? '', s]));
      for (const s of wanted) s.vip = byName.get(s.name)?.status?.loadBalancer?.ingress?.[0]?.ip ?? null;
      if (wanted.every((s) => s.vip)) return;
      await sleep(ADDRESS_POLL_MS, signal);
    }
    const missing = wanted.filter((s) => !s.vip).map((s) => s.name);
    if (missing.length > 0) {
      throw new BackendError(
        `no LoadBalancer address after ${timeoutMs}ms for ${missing.length} services (${missing.slice(0, 3).join(', ')}…): is ${this.runner.operator} running?`,
      );
    }
  }

  /** Stops the agents (and the runner's echo backends); removes the run's objects where asked. Every failure is collected. */
  async [Symbol.asyncDispose](): Promise<void> {
    const errors: unknown[] = [];
    try {
      await this.runner[Symbol.asyncDispose]();
    } catch (err) {
      errors.push(err);
    }
    if (this.#removeObjects)
      errors.push(
        ...(await this.api.removeRunObjects({
          runId: this.runId,
          servicesNamespace: this.scenario.services.namespace,
          createdNamespaces: this.#createdNamespaces,
          createdCrds: this.#createdCrds,
        })),
      );
    if (errors.length > 0)
      throw new AggregateError(errors, `teardown of run ${this.runId}: ${errors.length} failures`);
  }
}
