import { join } from 'node:path';
import { componentKubeconfigs } from '../../cluster/component-kubeconfigs.js';
import { controllerManagerArgs, schedulerArgs } from '../../cluster/control-plane-args.js';
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
  const { controllerManager: kcmKubeconfig, scheduler: schedKubeconfig } = await componentKubeconfigs(s.pki, {
    dir: s.workDir,
    clusterName: s.clusterName,
    server: s.apiServerUrl,
  });
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
