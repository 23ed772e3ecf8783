import 'disposablestack/auto';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { AnnouncerDeployment } from '../../deployment/announcer-deployment.js';
import { BackendError } from '../../errors.js';
import type { MetricsEndpoints } from '../../measure/control-plane-metrics.js';
import type { SampledProcess } from '../../measure/cpu-sampler.js';
import { hostVipClient } from '../../measure/curl-vip-client.js';
import { type RunningProbes, startProbes } from '../../measure/k6-probe.js';
import { CONTROL_PLANE_CONTAINERS, KubeletStatsPoller } from '../../measure/kubelet-stats.js';
import { waitUntilAllAnswer } from '../../measure/vip-poller.js';
import type { FaultKind } from '../../scenario/fault-kind.js';
import type { BenchTarget, BenchTargetOptions, ProbeSpec } from '../bench-target.js';
import { DeployedTarget } from '../deployed-target.js';
import { resolveAnnouncerImage } from '../kube/announcer-image.js';
import { KubeAgentRunner } from '../kube/kube-agent-runner.js';
import { kubeconfigTls } from '../kube/kubeconfig-tls.js';
import { checkClusterContext, clusterPool } from './context-guard.js';

/** What the CLI passes for `--backend cluster`: `--context`, `--yes`. */
export interface ClusterChoice {
  context?: string;
  yes?: boolean;
}

/**
 * The `cluster` backend: an existing cluster from the kubeconfig. It creates the CRDs only if
 * absent, its own namespace `l2bench-<id>` (the Leases), run-labelled cluster roles, pool,
 * policy, echo Deployment and Services, the agent DaemonSet, operator and their ServiceAccount in
 * kube-system (as Cilium's, for APF's leader-election level), and removes exactly those afterwards; it never touches a Service it did
 * not create. CPU comes from the kubelet's /stats/summary through the API server's node proxy
 * (kube-apiserver and etcd static pods, agent pods); faults are pod deletions: `agent-crash` =
 * grace 0 (SIGKILL; the node's VIPs stay bound until the DaemonSet's replacement pod starts; the
 * closest to a container restart the API offers), `graceful` = the pod's grace period.
 * `node-crash`, `freeze`, `partition` and `control-plane-outage` need access to the nodes or the
 * control plane and are refused.
 */
export class ClusterBenchTarget
  extends DeployedTarget<AnnouncerDeployment<KubeAgentRunner>>
  implements BenchTarget
{
  readonly backend = 'cluster' as const;
  /** Probes are answered by an echo pod kube-proxy picks, on any node. */
  readonly probesNameAnnouncer = false;
  readonly metrics: MetricsEndpoints;
  nodeNames: readonly string[] = [];
  private faultAtMs = 0;
  private readonly pollers = new Map<string, KubeletStatsPoller>();

  private constructor(
    private readonly kc: KubeConfig,
    deployment: AnnouncerDeployment<KubeAgentRunner>,
    readonly workDir: string,
    private readonly k6Path: string,
    private readonly stack: AsyncDisposableStack,
    private readonly controlPlaneNode: string,
    etcdUrl: string,
  ) {
    super(deployment);
    const server = kc.getCurrentCluster()?.server ?? '';
    const tls = kubeconfigTls(kc);
    // etcd through the API server's pod proxy: the admin's identity, and no run lost if kubeadm's
    // etcd serves its metrics on loopback only (kind's and kubeadm's default).
    this.metrics = { apiserverUrl: server, apiserverTls: tls, etcdUrl, etcdTls: tls, etcdOptional: true };
  }

  static async start(o: BenchTargetOptions, choice: ClusterChoice = {}): Promise<ClusterBenchTarget> {
    const s = o.scenario;
    const kc = new KubeConfig();
    kc.loadFromDefault();
    if (choice.context) kc.setCurrentContext(choice.context);
    checkClusterContext(kc.getCurrentContext(), choice.yes ?? false);
    const vipCidr = clusterPool(s);
    const image = await resolveAnnouncerImage('IfNotPresent');
    const runId = randomBytes(3).toString('hex');
    const core = kc.makeApiClient(CoreV1Api);
    const apiserver = (
      await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'component=kube-apiserver' })
    ).items[0];
    const cpNode = apiserver?.spec?.nodeName;
    if (!cpNode)
      throw new BackendError(
        'backend cluster: no kube-apiserver static pod (kube-system, component=kube-apiserver): a managed control plane cannot be measured',
      );
    const etcd = (await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'component=etcd' }))
      .items[0];
    // kubeadm's etcd serves metrics on the node's loopback only; through the pod proxy they are
    // reachable only where the cluster exposes them. Otherwise the etcd figures are null, not guessed.
    const server = kc.getCurrentCluster()?.server ?? '';
    const etcdUrl = etcd?.metadata?.name
      ? `${server}/api/v1/namespaces/kube-system/pods/http:${etcd.metadata.name}:2381/proxy/metrics`
      : `${server}/metrics`;
    const workDir = join(tmpdir(), `l2bench-cluster-${runId}`);
    await mkdir(workDir, { recursive: true });
    await using stack = new AsyncDisposableStack();
    stack.defer(() => rm(workDir, { recursive: true, force: true }));
    const deployment = stack.use(
      KubeAgentRunner.deployment(kc, { runId, scenario: s, image, vipCidr }, (l) => o.progress(`  ${l}`)),
    );
    const target = new ClusterBenchTarget(kc, deployment, workDir, o.k6Path, stack.move(), cpNode, etcdUrl);
    target.nodeNames = (await core.listNode()).items.map((n) => n.metadata?.name ?? '');
    await target.poller(cpNode);
    return target;
  }

  private async poller(node: string): Promise<KubeletStatsPoller> {
    let p = this.pollers.get(node);
    if (!p) {
      p = new KubeletStatsPoller(this.kc, node);
      this.pollers.set(node, p);
      this.stack.use(p);
      await p.start();
    }
    return p;
  }

  kubeConfig(): KubeConfig {
    return this.kc;
  }

  controlPlaneCpu(): SampledProcess[] {
    const p = this.pollers.get(this.controlPlaneNode);
    if (!p) return [];
    return [
      { role: 'kube-apiserver', read: p.reader(CONTROL_PLANE_CONTAINERS['kube-apiserver']) },
      { role: 'etcd', read: p.reader(CONTROL_PLANE_CONTAINERS.etcd) },
    ];
  }

  /** Agents by node from each node's kubelet (pollers start once an agent was seen there). */
  agentCpu(): SampledProcess[] {
    const ref = {
      namespace: this.deployment.runner.namespace,
      podPrefix: this.deployment.runner.agentPodPrefix,
      container: 'agent',
    };
    return this.nodeNames.flatMap((node) => {
      const p = this.pollers.get(node);
      return p ? [{ role: 'announcer' as const, node, read: p.reader(ref) }] : [];
    });
  }

  override async startAllAgents(): Promise<void> {
    await this.deployment.startAllAgents();
    for (const node of (await this.deployment.runner.agentPods()).keys()) await this.poller(node);
  }
  /** Through the shared poller (harness/measure/vip-poller.ts), from this host, on the cluster's L2 segment. */
  waitUntilAllAnswer(vips: readonly string[], timeoutMs: number, signal?: AbortSignal) {
    return waitUntilAllAnswer(hostVipClient, vips, this.scenario.services.echo.port, timeoutMs, signal);
  }
  startProbes(spec: ProbeSpec): Promise<RunningProbes> {
    return startProbes({ ...spec, k6Path: this.k6Path, netns: null, hostOnProjectBridge: true });
  }

  async injectFault(fault: FaultKind, node: string): Promise<void> {
    this.faultAtMs = Date.now();
    if (fault === 'agent-crash') return this.deployment.runner.deleteAgentPod(node, 0);
    if (fault === 'graceful') return this.deployment.runner.deleteAgentPod(node);
    throw new BackendError(
      `backend cluster: fault ${fault} needs access to the nodes themselves: use faults.kinds agent-crash or graceful, or backend kind`,
    );
  }

  restoreNode(_fault: FaultKind, node: string, signal?: AbortSignal): Promise<void> {
    return this.deployment.runner.waitAgentReadyOn(node, this.faultAtMs, signal);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stack.disposeAsync();
  }
}
