import { join } from 'node:path';
import {
  CONTROLLER_MANAGER_USER,
  controllerManagerArgs,
  SCHEDULER_USER,
  schedulerArgs,
} from '../../cluster/control-plane-args.js';
import { writeKubeconfig } from '../../cluster/kubeconfig-file.js';
import type { RunPki } from '../../cluster/pki.js';
import { freePort } from '../../util/free-port.js';
import type { ManagedProcess, ProcessSpec } from './managed-process.js';

export interface ComponentsSpec {
  pki: RunPki;
  saKeyFile: string;
  apiServerUrl: string;
  clusterName: string;
  serviceClusterIpRange: string;
  workDir: string;
  /** Null: not provisioned, not started. */
  controllerManagerBin: string | null;
  schedulerBin: string;
  /** Starts a process the cluster owns (registered for cleanup, stopped with the cluster). */
  start: (spec: ProcessSpec) => Promise<ManagedProcess>;
}

/** The two components as started, with where their /metrics answer. */
export interface StartedComponents {
  controllerManager: ManagedProcess | null;
  scheduler: ManagedProcess;
  controllerManagerMetricsUrl: string | null;
  schedulerMetricsUrl: string;
}

/**
 * Starts kube-controller-manager and kube-scheduler as kubeadm does: each with its own client
 * certificate (the CN is the user the bootstrap ClusterRoleBindings and the `system-leader-election`
 * FlowSchema name) and its own kubeconfig, leader election on, serving only on loopback.
 */
export async function startControlPlaneComponents(s: ComponentsSpec): Promise<StartedComponents> {
  const kubeconfigFor = async (stem: string, user: string) => {
    const id = await s.pki.issue({ stem, commonName: user, usage: ['client'] });
    return writeKubeconfig({
      path: join(s.workDir, `${stem}.kubeconfig`),
      clusterName: s.clusterName,
      server: s.apiServerUrl,
      caPem: s.pki.ca.certPem,
      user,
      certPem: id.certPem,
      keyPem: id.keyPem,
    });
  };
  const [kcmKubeconfig, schedKubeconfig] = await Promise.all([
    kubeconfigFor('controller-manager', CONTROLLER_MANAGER_USER),
    kubeconfigFor('scheduler', SCHEDULER_USER),
  ]);
  const kcmPort = await freePort();
  const schedPort = await freePort();
  const kcmBin = s.controllerManagerBin;
  const controllerManager =
    kcmBin === null
      ? null
      : await s.start({
          name: 'kube-controller-manager',
          command: kcmBin,
          args: controllerManagerArgs({
            kubeconfig: kcmKubeconfig,
            securePort: kcmPort,
            caFile: s.pki.ca.certFile,
            caKeyFile: s.pki.ca.keyFile,
            saKeyFile: s.saKeyFile,
            serviceClusterIpRange: s.serviceClusterIpRange,
          }),
          logFile: join(s.workDir, 'logs', 'kube-controller-manager.log'),
        });
  const scheduler = await s.start({
    name: 'kube-scheduler',
    command: s.schedulerBin,
    args: schedulerArgs({ kubeconfig: schedKubeconfig, securePort: schedPort }),
    logFile: join(s.workDir, 'logs', 'kube-scheduler.log'),
  });
  return {
    controllerManager,
    scheduler,
    controllerManagerMetricsUrl: controllerManager ? `https://127.0.0.1:${kcmPort}/metrics` : null,
    schedulerMetricsUrl: `https://127.0.0.1:${schedPort}/metrics`,
  };
}
