import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import type { AgentRunner } from '../../deployment/agent-runner.js';
import { AnnouncerDeployment } from '../../deployment/announcer-deployment.js';
import { AnnouncerEventLog } from '../../deployment/announcer-events.js';
import { BackendError } from '../../errors.js';
import { announcerRbac } from '../../manifests/announcer-rbac.js';
import {
  AGENT_SELECTOR,
  agentDaemonSet,
  echoDeployment,
  operatorDeployment,
} from '../../manifests/announcer-workloads.js';
import {
  AGENT_WORKLOAD_NAMESPACE,
  agentWorkloadNames,
  type ManifestOptions,
  systemNamespace,
} from '../../manifests/manifest-options.js';
import { RUN_LABEL } from '../../manifests/scenario-objects.js';
import { serverSideApply } from '../../manifests/server-side-apply.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { sleep } from '../../shutdown-signal.js';
import { PodLogFollower } from './pod-log-follower.js';

/** Polls `check` every 500 ms until true, at most `timeoutMs`; a BackendError naming `what` otherwise. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, signal?: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await check()) return;
    await sleep(500, signal);
  }
  if (!signal?.aborted) throw new BackendError(`${what} not reached after ${timeoutMs}ms`);
}

/**
 * The agents on a real Kubernetes API (kind or an existing cluster), from the generated manifests:
 * a DaemonSet and the IPAM operator in kube-system (as Cilium's), Leases in the run's namespace,
 * the echo backend as a Deployment beside the services. Agent
 * logs are followed through the API into {@link events}.
 */
export class KubeAgentRunner implements AgentRunner {
  readonly events = new AnnouncerEventLog();
  private readonly logs: PodLogFollower;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(
    readonly kc: KubeConfig,
    private o: ManifestOptions,
    private readonly progress: (line: string) => void = () => undefined,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.logs = new PodLogFollower(kc);
  }

  /**
   * The deployment of a run on a cluster that outlives it: everything the run created is removed
   * on dispose (the CRDs and namespaces only if it created them).
   */
  static deployment(
    kc: KubeConfig,
    o: ManifestOptions,
    progress: (line: string) => void = () => undefined,
  ): AnnouncerDeployment<KubeAgentRunner> {
    const { runId, vipCidr, scenario } = o;
    return new AnnouncerDeployment(new KubeAgentRunner(kc, o, progress), {
      kc,
      runId,
      vipCidr,
      scenario,
      removeObjects: true,
      progress,
    });
  }

  /** Where the agent and operator pods run: kube-system. */
  get namespace(): string {
    return AGENT_WORKLOAD_NAMESPACE;
  }
  /** The run's namespace: cilium-style, bucket and operator Leases. */
  get leaseNamespace(): string {
    return systemNamespace(this.o.runId);
  }
  /** Namespaces the run creates (and removes): never kube-system. */
  get namespaces(): readonly string[] {
    return [this.leaseNamespace];
  }
  private get names() {
    return agentWorkloadNames(this.o.runId);
  }
  /** What this run's agent pods' names start with (the DaemonSet's name and a dash). */
  get agentPodPrefix(): string {
    return `${this.names.agent}-`;
  }
  /** This run's pods in kube-system. */
  private get runPods(): string {
    return `${RUN_LABEL}=${this.o.runId}`;
  }
  get where(): string {
    return `run ${this.o.runId}`;
  }
  get operator(): string {
    return `the operator pod ${this.names.operator}-… in ${this.namespace}`;
  }
  get image(): ManifestOptions['image'] {
    return this.o.image;
  }

  agentObjects(scenario: ResolvedScenario): KubernetesObject[] {
    return announcerRbac({ ...this.o, scenario });
  }

  /** The echo backend, ready. */
  async prepare(scenario: ResolvedScenario, signal?: AbortSignal): Promise<void> {
    this.o = { ...this.o, scenario };
    const echo = echoDeployment(this.o);
    await serverSideApply(this.kc, [echo as KubernetesObject]);
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
  async startAll(scenario: ResolvedScenario, signal?: AbortSignal): Promise<void> {
    this.o = { ...this.o, scenario };
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
        const ds = await this.apps.readNamespacedDaemonSet({
          namespace: this.namespace,
          name: this.names.agent,
        });
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
  async stopAll(signal?: AbortSignal): Promise<void> {
    const ns = this.namespace;
    await this.apps.deleteNamespacedDaemonSet({ namespace: ns, name: this.names.agent }).catch(ignore404);
    await this.apps.deleteNamespacedDeployment({ namespace: ns, name: this.names.operator }).catch(ignore404);
    await until(
      'agent and operator pods gone',
      60_000,
      async () =>
        (await this.core.listNamespacedPod({ namespace: ns, labelSelector: this.runPods })).items.length ===
        0,
      signal,
    );
    this.logs.stopAll();
  }

  /** Running agent pods by node name. */
  async agentPods(): Promise<Map<string, V1Pod>> {
    const pods = await this.core.listNamespacedPod({
      namespace: this.namespace,
      labelSelector: [...Object.entries(AGENT_SELECTOR).map(([k, v]) => `${k}=${v}`), this.runPods].join(','),
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

  private async followAgentLogs(): Promise<void> {
    for (const [node, pod] of await this.agentPods())
      await this.logs.follow(this.namespace, pod.metadata?.name ?? '', 'agent', this.events.lineSink(node));
  }

  /** Stops following logs; the deployment removes the run's objects (by label, and its namespace). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.logs.stopAll();
  }
}

function ignore404(err: unknown): void {
  if ((err as { code?: number }).code !== 404) throw err;
}
