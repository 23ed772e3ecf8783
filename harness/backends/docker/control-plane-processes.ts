import { componentKubeconfigs } from '../../cluster/component-kubeconfigs.js';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  schedulerArgs,
} from '../../cluster/control-plane-args.js';
import type { ControlPlaneCertificates, RunPki } from '../../cluster/pki.js';
import { DOCKER_SERVICE_CLUSTER_IP_RANGE } from './docker-address-plan.js';
import { IMAGE_PATHS } from './images.js';

/** One entry of the control-plane container's supervisor list (control-plane-supervisor.ts). */
export interface SupervisedProcess {
  name: string;
  command: string;
  args: string[];
  /** Restarted when it exits, as a kubelet restarts a static pod (else the container ends). */
  restart?: boolean;
}

export interface ControlPlaneProcessesSpec {
  runId: string;
  pki: RunPki;
  certs: ControlPlaneCertificates;
  /** The container's address on the run's network (kube-apiserver binds it). */
  controlPlaneIp: string;
  apiPort: number;
  etcdMetricsPort: number;
  /** Where the host's pki directory is mounted in the container. */
  pkiDir: string;
}

/**
 * What the control-plane container runs, as kubeadm's static pods would: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler (leader election on, each with its own client
 * certificate and kubeconfig, written into the pki directory the container gets). The supervisor
 * starts them together and restarts the two components when they exit early (as a kubelet would).
 */
export async function controlPlaneProcesses(s: ControlPlaneProcessesSpec): Promise<SupervisedProcess[]> {
  const { pki, certs, pkiDir } = s;
  const inPki = (file: string) => `${pkiDir}/${file.split('/').pop()}`;
  const kubeconfigs = await componentKubeconfigs(pki, {
    dir: pki.dir,
    clusterName: `l2b-${s.runId}`,
    server: `https://${s.controlPlaneIp}:${s.apiPort}`,
  });
  const kcmKubeconfig = inPki(kubeconfigs.controllerManager);
  const schedulerKubeconfig = inPki(kubeconfigs.scheduler);
  return [
    {
      name: 'etcd',
      command: IMAGE_PATHS.etcd,
      args: etcdArgs({
        name: `l2b-${s.runId}`,
        dataDir: '/var/lib/etcd/data',
        clientPort: 2379,
        peerPort: 2380,
        metricsPort: s.etcdMetricsPort,
        metricsHost: '0.0.0.0',
        certFile: inPki(certs.etcd.certFile),
        keyFile: inPki(certs.etcd.keyFile),
        caFile: inPki(pki.ca.certFile),
      }),
    },
    {
      name: 'kube-apiserver',
      command: IMAGE_PATHS.kubeApiserver,
      args: apiserverArgs({
        bindAddress: s.controlPlaneIp,
        securePort: s.apiPort,
        etcdUrl: 'https://127.0.0.1:2379',
        etcdCaFile: inPki(pki.ca.certFile),
        etcdCertFile: inPki(certs.apiserverEtcdClient.certFile),
        etcdKeyFile: inPki(certs.apiserverEtcdClient.keyFile),
        caFile: inPki(pki.ca.certFile),
        tlsCertFile: inPki(certs.apiserver.certFile),
        tlsKeyFile: inPki(certs.apiserver.keyFile),
        saKeyFile: inPki(certs.serviceAccount.keyFile),
        saPubFile: inPki(certs.serviceAccount.pubFile),
        serviceClusterIpRange: DOCKER_SERVICE_CLUSTER_IP_RANGE,
      }),
    },
    {
      name: 'kube-controller-manager',
      command: IMAGE_PATHS.kubeControllerManager,
      restart: true,
      args: controllerManagerArgs({
        kubeconfig: kcmKubeconfig,
        securePort: 10257,
        caFile: inPki(pki.ca.certFile),
        caKeyFile: inPki(pki.ca.keyFile),
        saKeyFile: inPki(certs.serviceAccount.keyFile),
        serviceClusterIpRange: DOCKER_SERVICE_CLUSTER_IP_RANGE,
      }),
    },
    {
      name: 'kube-scheduler',
      command: IMAGE_PATHS.kubeScheduler,
      restart: true,
      args: schedulerArgs({ kubeconfig: schedulerKubeconfig, securePort: 10259 }),
    },
  ];
}
