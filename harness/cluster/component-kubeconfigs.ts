import { join } from 'node:path';
import { CONTROLLER_MANAGER_USER, SCHEDULER_USER } from './control-plane-args.js';
import { writeKubeconfig } from './kubeconfig-file.js';
import type { RunPki } from './pki.js';

/**
 * kube-controller-manager's and kube-scheduler's kubeconfigs as kubeadm writes them: each with a
 * client certificate of its own (the CN is the user the bootstrap ClusterRoleBindings and the
 * `system-leader-election` FlowSchema name), written into `dir` as `<stem>.kubeconfig`.
 */
export async function componentKubeconfigs(
  pki: RunPki,
  o: { dir: string; clusterName: string; server: string },
): Promise<{ controllerManager: string; scheduler: string }> {
  const kubeconfigFor = async (stem: string, user: string) => {
    const id = await pki.issue({ stem, commonName: user, usage: ['client'] });
    return writeKubeconfig({
      path: join(o.dir, `${stem}.kubeconfig`),
      clusterName: o.clusterName,
      server: o.server,
      caPem: pki.ca.certPem,
      user,
      certPem: id.certPem,
      keyPem: id.keyPem,
    });
  };
  const [controllerManager, scheduler] = await Promise.all([
    kubeconfigFor('controller-manager', CONTROLLER_MANAGER_USER),
    kubeconfigFor('scheduler', SCHEDULER_USER),
  ]);
  return { controllerManager, scheduler };
}
