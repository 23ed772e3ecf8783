import { join } from 'node:path';
import type { LocalNode, StartedLocalCluster } from '../backends/local/local-cluster.js';
import type { ManagedProcess } from '../backends/local/managed-process.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { resolveTool } from '../tools/resolve-tool.js';
import { kubeVipEnv, prepareKubeVipHome } from './kube-vip.js';

/**
 * Starts the pinned kube-vip (`kube-vip manager`, services mode, `announcer.kubeVipMode`, ARP) in a
 * node's namespace with `kubeconfigPath`'s identity (the node's certificate by default) and the
 * scenario's timers. Tracked by the cluster like every process it starts, so teardown and
 * `l2bench cleanup` stop it.
 */
export async function startKubeVip(
  cluster: StartedLocalCluster,
  node: LocalNode,
  scenario: ResolvedScenario,
  kubeconfigPath: string = node.kubeconfigPath,
): Promise<ManagedProcess> {
  const binary = await resolveTool('kube-vip');
  const home = join(cluster.workDir, 'kube-vip', node.name);
  await prepareKubeVipHome(home, kubeconfigPath);
  const a = scenario.announcer;
  return cluster.startInNamespace(node.netns, {
    name: `kube-vip-${node.name}`,
    command: binary,
    args: ['manager'],
    env: kubeVipEnv({
      nodeName: node.name,
      ifname: node.ifname,
      home,
      timers: {
        leaseDurationMs: a.leaseDurationMs,
        renewDeadlineMs: a.renewDeadlineMs,
        retryPeriodMs: a.retryPeriodMs,
      },
      mode: a.kubeVipMode,
      leaseNamespace: scenario.services.namespace,
    }),
    cwd: home,
    logFile: join(cluster.workDir, 'logs', `kube-vip-${node.index}.log`),
  });
}
