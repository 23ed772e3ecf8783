import { Writable } from 'node:stream';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  Log,
  RbacAuthorizationV1Api,
  type V1Pod,
} from '@kubernetes/client-node';
import { AnnouncerEventLog, parseAnnouncerLine } from '../../deployment/announcer-events.js';
import { BackendError } from '../../errors.js';
import { agentDaemonSet, echoDeployment, operatorDeployment } from '../../manifests/announcer-workloads.js';
import { applyManifests } from '../../manifests/apply-manifests.js';
import { type ManifestOptions, systemNamespace } from '../../manifests/manifest-options.js';
import {
  crdManifests,
  namespaceManifest,
  runManifests,
  serviceManifests,
} from '../../manifests/run-manifests.js';
import { planServices, RUN_LABEL } from '../../manifests/scenario-objects.js';
import { serverSideApply } from '../../manifests/server-side-apply.js';
import type { DeployedService } from '../bench-target.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AGENT = 'l2bench-announcer';
const OPERATOR = 'l2bench-ipam-operator';

/** Polls `check` every 500 ms until true, at most `timeoutMs`; a BackendError naming `what` otherwise. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, signal?: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await check()) return;
    await sleep(500);
  }
  if (!signal?.aborted) throw new BackendError(`${what} not reached after ${timeoutMs}ms`);
}

/**
 * The announcer deployed on a real Kubernetes API (kind or an existing cluster) from the generated
 * manifests: agents as a DaemonSet, the IPAM operator and the echo backend as Deployments, the
 * scenario's Services. Agent logs are followed through the API into {@link events}. Removes, on
 * dispose, exactly what it created: objects labelled with its run, the CRDs only if it created them.
 */
export class KubeDeployment implements AsyncDisposable {
  readonly events = new AnnouncerEventLog();
  services: DeployedService[] = [];
  private readonly createdCrds: string[] = [];
  private readonly createdNamespaces: string[] = [];
  private readonly followers = new Map<string, AbortController>();
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(
    readonly kc: KubeConfig,
    readonly o: ManifestOptions,
    private readonly progress: (line: string) => void = () => undefined,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
  }

  get namespace(): string {
    return systemNamespace(this.o.runId);
  }
  private get selector(): string {
    return `${RUN_LABEL}=${this.o.runId}`;
  }

  /** CRDs (if absent), namespaces, RBAC, pool, policy and the echo backend, ready. No agents yet. */
  async prepare(signal?: AbortSignal): Promise<void> {
    this.progress(`deploy: CRDs, namespace ${this.namespace}, RBAC, pool, policy, echo backend`);
    const ext = this.kc.makeApiClient(ApiextensionsV1Api);
    for (const crd of crdManifests()) {
      const name = crd.metadata?.name ?? '';
      const exists = await ext.readCustomResourceDefinition({ name }).then(
        () => true,
        () => false,
      );
      if (exists) continue;
      await applyManifests(this.kc, [crd]);
      this.createdCrds.push(name);
    }
    for (const ns of [this.namespace, this.o.scenario.services.namespace]) {
      const exists = await this.core.readNamespace({ name: ns }).then(
        () => true,
        () => false,
      );
      if (exists) continue;
      await serverSideApply(this.kc, [namespaceManifest(ns, this.o.runId) as KubernetesObject]);
      this.createdNamespaces.push(ns);
    }
    const workloads = new Set(['DaemonSet', 'Deployment', 'Namespace']);
    await serverSideApply(this.kc, [
      ...runManifests(this.o).filter((x) => !workloads.has(x.kind ?? '')),
      echoDeployment(this.o) as KubernetesObject,
    ]);
    const echo = echoDeployment(this.o);
    await until(
      `echo backend ${echo.spec?.replicas} replicas ready`,
      180_000,
      async () => {
        const d = await this.apps.readNamespacedDeployment({
          namespace: echo.metadata?.namespace ?? '',
          name: echo.metadata?.name ?? '',
        });
        return (d.status?.readyReplicas ?? 0) >= (echo.spec?.replicas ?? 1);
      },
      signal,
    );
  }

  /** Applies the operator and the agent DaemonSet; waits until every agent pod is ready and followed. */
  async startAllAgents(signal?: AbortSignal): Promise<void> {
    this.progress(`deploy: agent DaemonSet and operator (${this.o.image.ref})`);
    await serverSideApply(this.kc, [
      operatorDeployment(this.o),
      agentDaemonSet(this.o),
    ] as KubernetesObject[]);
    await this.waitAgentsReady(signal);
  }

  /** Waits until the DaemonSet's pods are ready on every scheduled node, then follows their logs. */
  async waitAgentsReady(signal?: AbortSignal, timeoutMs = 180_000): Promise<void> {
    await until(
      'agent DaemonSet ready on every node',
      timeoutMs,
      async () => {
        const ds = await this.apps.readNamespacedDaemonSet({ namespace: this.namespace, name: AGENT });
        const want = ds.status?.desiredNumberScheduled ?? 0;
        return want > 0 && ds.status?.numberReady === want && ds.status?.updatedNumberScheduled === want;
      },
      signal,
    );
    await this.followAgentLogs();
  }

  /**
   * Waits until the agent on `node` became Ready after `sinceMs` (a replacement pod, or the same
   * pod restarted with its node), then follows the new pod's log.
   */
  async waitAgentReadyOn(
    node: string,
    sinceMs: number,
    signal?: AbortSignal,
    timeoutMs = 300_000,
  ): Promise<void> {
    const floorMs = Math.floor(sinceMs / 1000) * 1000; // conditions carry whole seconds
    await until(
      `agent on ${node} ready again`,
      timeoutMs,
      async () => {
        const pod = (await this.agentPods()).get(node);
        const ready = pod?.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' && new Date(ready.lastTransitionTime ?? 0).getTime() >= floorMs;
      },
      signal,
    );
    await this.followAgentLogs();
  }

  /** Deletes the agents and the operator (SIGTERM: leases released, VIPs unbound) and waits until their pods are gone. */
  async stopAllAgents(signal?: AbortSignal): Promise<void> {
    const ns = this.namespace;
    await this.apps.deleteNamespacedDaemonSet({ namespace: ns, name: AGENT }).catch(ignore404);
    await this.apps.deleteNamespacedDeployment({ namespace: ns, name: OPERATOR }).catch(ignore404);
    await until(
      'agent and operator pods gone',
      60_000,
      async () => (await this.core.listNamespacedPod({ namespace: ns })).items.length === 0,
      signal,
    );
    for (const c of this.followers.values()) c.abort();
    this.followers.clear();
  }

  /** Running agent pods by node name. */
  async agentPods(): Promise<Map<string, V1Pod>> {
    const pods = await this.core.listNamespacedPod({
      namespace: this.namespace,
      labelSelector: `app.kubernetes.io/name=${AGENT}`,
    });
    const out = new Map<string, V1Pod>();
    for (const p of pods.items)
      if (p.spec?.nodeName && !p.metadata?.deletionTimestamp) out.set(p.spec.nodeName, p);
    return out;
  }

  /**
   * Deletes a node's agent pod: grace 0 is a crash (SIGKILL, VIPs stay bound until the DaemonSet's
   * replacement starts and reconciles), the default grace a graceful stop (SIGTERM).
   */
  async deleteAgentPod(node: string, graceSeconds?: number): Promise<void> {
    const pod = (await this.agentPods()).get(node);
    if (!pod?.metadata?.name) throw new BackendError(`no agent pod on node ${node}`);
    await this.core.deleteNamespacedPod({
      namespace: this.namespace,
      name: pod.metadata.name,
      ...(graceSeconds === undefined ? {} : { gracePeriodSeconds: graceSeconds }),
    });
  }

  /** Creates the scenario's Services. */
  async createServices(): Promise<void> {
    await serverSideApply(this.kc, serviceManifests(this.o));
    const style = this.o.scenario.announcer.leaseNameStyle;
    this.services = planServices(this.o.scenario).map((p) => ({
      ...p,
      vip: null,
      leaseName: style === 'kube-vip' ? `kubevip-${p.name}` : `cilium-l2announce-${p.namespace}-${p.name}`,
      leaseNamespace: style === 'kube-vip' ? p.namespace : this.namespace,
    }));
  }

  /** Reads the VIPs the operator wrote into each announced service's status. */
  async waitForAddresses(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const wanted = this.services.filter((s) => s.announced);
    try {
      await until(
        'LoadBalancer addresses',
        timeoutMs,
        async () => {
          const list = await this.core.listNamespacedService({
            namespace: this.o.scenario.services.namespace,
            labelSelector: this.selector,
          });
          const byName = new Map(list.items.map((s) => [s.metadata?.name ?? '', s]));
          for (const s of wanted) s.vip = byName.get(s.name)?.status?.loadBalancer?.ingress?.[0]?.ip ?? null;
          return wanted.every((s) => s.vip);
        },
        signal,
      );
    } catch {
      const missing = wanted.filter((s) => !s.vip).map((s) => s.name);
      throw new BackendError(
        `no LoadBalancer address after ${timeoutMs}ms for ${missing.length} services (${missing.slice(0, 3).join(', ')}…): is the operator pod in ${this.namespace} running?`,
      );
    }
  }

  private async followAgentLogs(): Promise<void> {
    const log = new Log(this.kc);
    for (const [node, pod] of await this.agentPods()) {
      const name = pod.metadata?.name ?? '';
      if (this.followers.has(name)) continue;
      let rest = '';
      const sink = new Writable({
        write: (chunk: Buffer, _enc, done) => {
          const lines = (rest + chunk.toString()).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) {
            const e = parseAnnouncerLine(line, node);
            if (e) this.events.push(e);
          }
          done();
        },
      });
      const ctl = await log.log(this.namespace, name, 'agent', sink, () => this.followers.delete(name), {
        follow: true,
      });
      this.followers.set(name, ctl);
    }
  }

  /** Removes what this deployment created, newest first; every failure is collected. */
  async [Symbol.asyncDispose](): Promise<void> {
    for (const c of this.followers.values()) c.abort();
    this.followers.clear();
    const errors: unknown[] = [];
    const attempt = async (what: string, f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (err) {
        if ((err as { code?: number }).code !== 404)
          errors.push(new BackendError(`teardown: ${what}: ${String(err)}`));
      }
    };
    const svcNs = this.o.scenario.services.namespace;
    const sel = { labelSelector: this.selector };
    await attempt('services', async () => {
      for (const s of (await this.core.listNamespacedService({ namespace: svcNs, ...sel })).items)
        await this.core.deleteNamespacedService({ namespace: svcNs, name: s.metadata?.name ?? '' });
    });
    await attempt('echo', () => this.apps.deleteCollectionNamespacedDeployment({ namespace: svcNs, ...sel }));
    const rbac = this.kc.makeApiClient(RbacAuthorizationV1Api);
    await attempt('roles', async () => {
      await rbac.deleteCollectionNamespacedRoleBinding({ namespace: svcNs, ...sel });
      await rbac.deleteCollectionNamespacedRole({ namespace: svcNs, ...sel });
    });
    await attempt('cluster roles', async () => {
      await rbac.deleteCollectionClusterRoleBinding(sel);
      await rbac.deleteCollectionClusterRole(sel);
    });
    const custom = this.kc.makeApiClient(CustomObjectsApi);
    for (const plural of ['ciliumloadbalancerippools', 'ciliuml2announcementpolicies'])
      await attempt(plural, () =>
        custom.deleteCollectionClusterCustomObject({
          group: 'cilium.io',
          version: 'v2alpha1',
          plural,
          ...sel,
        }),
      );
    // The run's namespace takes its agents, operator, leases and RBAC with it.
    for (const ns of [...this.createdNamespaces].reverse())
      await attempt(`namespace ${ns}`, () => this.core.deleteNamespace({ name: ns }));
    const ext = this.kc.makeApiClient(ApiextensionsV1Api);
    for (const name of this.createdCrds)
      await attempt(`CRD ${name}`, () => ext.deleteCustomResourceDefinition({ name }));
    if (errors.length > 0)
      throw new AggregateError(errors, `teardown of run ${this.o.runId}: ${errors.length} failures`);
  }
}

function ignore404(err: unknown): void {
  if ((err as { code?: number }).code !== 404) throw err;
}
