/**
 * Benchmark: start time of the local backend (cold = first start in this process, warm = the next
 * ones, with binaries and the OS page cache hot) for M = 3 and M = 9, and the idle CPU of etcd and
 * kube-apiserver in millicores over a 20 s window with nothing running against them.
 *
 *   node --import tsx bench/local-startup.ts
 */
import 'disposablestack/auto';
import { StartedLocalCluster } from '../harness/backends/local/local-cluster.js';
import { readProcCpu } from '../harness/measure/proc-cpu.js';

const IDLE_SECONDS = 20;

async function once(
  nodes: number,
  measureIdle: boolean,
): Promise<{ startMs: number; idle?: Record<string, number> }> {
  await using c = await StartedLocalCluster.start({
    nodes,
    nodeLabels: () => ({ 'homelab/role': 'worker' }),
  });
  if (!measureIdle) return { startMs: c.startupMs };
  // Let start-up work (bootstrap controllers, RBAC reconciliation) finish before the idle window.
  await new Promise((r) => setTimeout(r, 10_000));
  const pids = { 'kube-apiserver': c.apiserver.pid, etcd: c.etcd.pid };
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, readProcCpu(p)!.cpuSeconds]));
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const secs = (Date.now() - t0) / 1000;
  const idle = Object.fromEntries(
    Object.entries(pids).map(([k, p]) => [k, ((readProcCpu(p)!.cpuSeconds - before[k]!) / secs) * 1000]),
  );
  return { startMs: c.startupMs, idle };
}

for (const nodes of [3, 9]) {
  const cold = await once(nodes, false);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push((await once(nodes, false)).startMs);
  warm.sort((a, b) => a - b);
  console.log(
    `local backend M=${nodes}: cold start ${(cold.startMs / 1000).toFixed(2)} s, warm start median ${(warm[1]! / 1000).toFixed(2)} s (min ${(warm[0]! / 1000).toFixed(2)}, max ${(warm[2]! / 1000).toFixed(2)}, n=3)`,
  );
}
const idle = await once(3, true);
console.log(
  `idle control plane (M=3, ${IDLE_SECONDS} s window): kube-apiserver ${idle.idle!['kube-apiserver']!.toFixed(1)} mCPU, etcd ${idle.idle!.etcd!.toFixed(1)} mCPU`,
);
