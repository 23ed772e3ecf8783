import { readFileSync } from 'node:fs';
import { VIP_SLOTS } from '../backends/kind/kind-network.js';
import { ScenarioError } from '../errors.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';

const MiB = 2 ** 20;

/** The most clusters `--parallel` may ask for, whatever the backend. */
export const MAX_PARALLEL = 8;

/** Memory kept free for the host, the harness and k6 whatever the clusters take. */
export const HOST_RESERVE_BYTES = 2048 * MiB;

/**
 * Clusters one backend can hold at once: `cluster` has the one it was given; kind hands each
 * cluster one of the kind network's VIP pools; local and docker have 16 and 14 address slots, more
 * than {@link MAX_PARALLEL}.
 */
export function backendClusterLimit(backend: ResolvedScenario['backend']): number {
  if (backend === 'cluster') return 1;
  if (backend === 'kind') return VIP_SLOTS;
  return MAX_PARALLEL;
}

/**
 * A deliberately generous estimate of one cluster's resident memory, per backend: a control plane
 * (kube-apiserver + etcd; on kind also kubelet, containerd, scheduler, controller-manager) and per
 * node an announcer and an echo backend (on kind a kubelet, containerd and kube-proxy too). Resident
 * sizes seen on this project's runs, rounded up; it only decides how many clusters may start.
 */
export function clusterMemoryBytes(s: ResolvedScenario): number {
  const nodes = s.nodes.count + (s.nodes.unselected?.count ?? 0);
  const perService = 0.25 * MiB * (s.services.announced + s.services.clusterIP);
  if (s.backend === 'kind') return 1024 * MiB + nodes * 512 * MiB + perService;
  return 768 * MiB + nodes * 160 * MiB + perService;
}

/** `MemAvailable` of /proc/meminfo in bytes (the kernel's own estimate of memory one can still use). */
export function availableMemoryBytes(meminfo = readFileSync('/proc/meminfo', 'utf8')): number {
  const kib = /^MemAvailable:\s+(\d+)\s+kB$/m.exec(meminfo)?.[1];
  if (!kib) throw new Error('/proc/meminfo has no MemAvailable line');
  return Number(kib) * 1024;
}

/** How many clusters a run keeps at once, and why fewer than asked when it is. */
export interface ParallelPlan {
  clusters: number;
  /** Why `clusters` is below the request; null when it is not. */
  limitedBy: string | null;
}

/**
 * `--parallel K` against the backend, the number of cluster shapes and the memory: the request is
 * checked (one line naming the flag and the fix), then lowered to what the backend holds, to the
 * number of clusters the run needs at all, and to what fits in available memory (the largest
 * clusters counted, less {@link HOST_RESERVE_BYTES}). Never below one. Pure.
 */
export function planParallelClusters(o: {
  requested: number;
  backend: ResolvedScenario['backend'];
  clusterBytes: readonly number[];
  availableBytes: number;
}): ParallelPlan {
  const { requested, backend } = o;
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_PARALLEL) {
    throw new ScenarioError(`--parallel ${requested}: use a whole number from 1 to ${MAX_PARALLEL}`);
  }
  const backendMax = backendClusterLimit(backend);
  if (requested > 1 && backendMax === 1) {
    throw new ScenarioError(
      `--parallel ${requested}: backend ${backend} runs on one existing cluster; drop --parallel or use --backend kind`,
    );
  }
  if (requested === 1) return { clusters: 1, limitedBy: null };
  if (requested > backendMax) {
    return { clusters: backendMax, limitedBy: `backend ${backend} holds ${backendMax} clusters at once` };
  }
  if (requested > o.clusterBytes.length) {
    const n = Math.max(1, o.clusterBytes.length);
    return { clusters: n, limitedBy: `the run needs ${n} cluster${n === 1 ? '' : 's'}` };
  }
  const largestFirst = [...o.clusterBytes].sort((a, b) => b - a);
  let fits = 0;
  let used = HOST_RESERVE_BYTES;
  for (const bytes of largestFirst.slice(0, requested)) {
    if (used + bytes > o.availableBytes) break;
    used += bytes;
    fits++;
  }
  if (fits >= requested) return { clusters: requested, limitedBy: null };
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  return {
    clusters: Math.max(1, fits),
    limitedBy: `memory: ${gib(o.availableBytes)} GiB available, up to ${gib(largestFirst[0] ?? 0)} GiB per cluster and ${gib(HOST_RESERVE_BYTES)} GiB kept for the host`,
  };
}
