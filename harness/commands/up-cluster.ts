import { StartedLocalCluster } from '../backends/local/local-cluster.js';
import { checkNodeCount } from '../cluster/address-plan.js';
import { untilAborted } from '../shutdown-signal.js';
import { ensureDebianPackages } from '../tools/debian-packages.js';

export interface UpOptions {
  nodes: number;
  labels: Record<string, string>;
  apiPort?: number;
  signal: AbortSignal;
  out: (line: string) => void;
  progress: (line: string) => void;
}

/** `l2bench up`: a local cluster kept up until Ctrl-C, with a `kubeconfig: <path>` line once ready. */
export async function upCluster(opts: UpOptions): Promise<void> {
  checkNodeCount(opts.nodes);
  await ensureDebianPackages(['iproute2', 'arping', 'curl'], opts.progress);
  await using cluster = await StartedLocalCluster.start({
    nodes: opts.nodes,
    nodeLabels: () => opts.labels,
    apiPort: opts.apiPort,
    onProgress: opts.progress,
  });
  if (opts.signal.aborted) return;
  opts.out(`l2bench: local cluster ${cluster.runId} ready in ${(cluster.startupMs / 1000).toFixed(1)} s`);
  opts.out(`  api server: ${cluster.apiServerUrl}`);
  for (const n of cluster.nodes) opts.out(`  node ${n.name}: netns ${n.netns}, ${n.ip} (${n.mac})`);
  opts.out(`  client namespace: ${cluster.network.client.netns}, ${cluster.network.client.ip}`);
  opts.out(`  VIP range for LoadBalancer pools: ${cluster.plan.vipCidr}`);
  opts.out(`  try: kubectl --kubeconfig ${cluster.adminKubeconfigPath} get nodes,leases -A`);
  opts.out('  press Ctrl-C to tear everything down');
  opts.out(`kubeconfig: ${cluster.adminKubeconfigPath}`);
  await untilAborted(opts.signal);
}
