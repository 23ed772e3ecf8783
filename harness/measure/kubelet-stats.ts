import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from '../util/kube-request.js';
import type { CpuCounter } from './cpu-sampler.js';

/** The parts of the kubelet's `/stats/summary` we read. */
export interface StatsSummary {
  pods?: {
    podRef: { name: string; namespace: string };
    containers?: {
      name: string;
      cpu?: { time?: string; usageCoreNanoSeconds?: number };
      memory?: { workingSetBytes?: number; rssBytes?: number };
    }[];
  }[];
}

/** Which container a CPU source is: a pod by namespace and name prefix (`kube-apiserver-`), and a container. */
export interface ContainerRef {
  namespace: string;
  podPrefix: string;
  container: string;
}

/** Cumulative CPU of one container from a summary; null when the summary lacks it. */
export function containerCpu(summary: StatsSummary, ref: ContainerRef): CpuCounter | null {
  for (const pod of summary.pods ?? []) {
    if (pod.podRef.namespace !== ref.namespace || !pod.podRef.name.startsWith(ref.podPrefix)) continue;
    const c = pod.containers?.find((x) => x.name === ref.container);
    const ns = c?.cpu?.usageCoreNanoSeconds;
    if (ns === undefined) continue;
    return { cpuSeconds: ns / 1e9, rssBytes: c?.memory?.rssBytes ?? c?.memory?.workingSetBytes ?? 0 };
  }
  return null;
}

/** The static pods whose CPU is the control plane's on a kubeadm cluster (kind included). */
export const CONTROL_PLANE_CONTAINERS = {
  'kube-apiserver': { namespace: 'kube-system', podPrefix: 'kube-apiserver-', container: 'kube-apiserver' },
  etcd: { namespace: 'kube-system', podPrefix: 'etcd-', container: 'etcd' },
} as const satisfies Record<string, ContainerRef>;

/**
 * The kubelet's `/stats/summary` of one node, fetched through the API server's node proxy
 * (`/api/v1/nodes/<node>/proxy/stats/summary`, RBAC `nodes/proxy` get) every `intervalMs`. The
 * sampler reads synchronously, so readers get the latest summary; the kubelet itself refreshes
 * container CPU every ~10 s (cAdvisor housekeeping), which bounds the resolution of short windows.
 */
export class KubeletStatsPoller implements Disposable {
  private latest: StatsSummary | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  lastError: string | null = null;

  constructor(
    private readonly kc: KubeConfig,
    readonly node: string,
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  /** A CPU source for the sampler: the container's latest cumulative counter, or null. */
  reader(ref: ContainerRef): () => CpuCounter | null {
    return () => (this.latest ? containerCpu(this.latest, ref) : null);
  }

  private async poll(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const path = `/api/v1/nodes/${encodeURIComponent(this.node)}/proxy/stats/summary`;
      const res = await kubeRequest(this.kc, 'GET', path, { timeoutMs: 5000 });
      if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
      this.latest = JSON.parse(res.body) as StatsSummary;
      this.lastError = null;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      this.inFlight = false;
    }
  }

  [Symbol.dispose](): void {
    clearInterval(this.timer);
  }
}
