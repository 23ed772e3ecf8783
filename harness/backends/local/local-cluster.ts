import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  type AddressPlan,
  addressPlan,
  checkNodeCount,
  freeSlot,
  SERVICE_CLUSTER_IP_RANGE,
} from '../../cluster/address-plan.js';
import { apiserverArgs, etcdArgs } from '../../cluster/control-plane-args.js';
import { writeKubeconfig } from '../../cluster/kubeconfig-file.js';
import { nodeObject } from '../../cluster/node-object.js';
import { issueControlPlaneCertificates, RunPki } from '../../cluster/pki.js';
import { RunRegistration } from '../../cluster/run-registry.js';
import { waitApiServerReady } from '../../cluster/wait-api-ready.js';
import { BackendError } from '../../errors.js';
import { resolveTool } from '../../tools/resolve-tool.js';
import { assertPortFree, freePort } from '../../util/free-port.js';
import type { TlsIdentity } from '../../util/https-get.js';
import { runCommand } from '../../util/run-command.js';
import { writeAgentTokenKubeconfig } from './agent-identity.js';
import { type StartedComponents, startControlPlaneComponents } from './control-plane-components.js';
import { ManagedProcess, type ProcessSpec } from './managed-process.js';
import { type NamespaceHost, NodeNetwork } from './node-network.js';

export interface LocalClusterSpec {
  /** Number of node namespaces (1..100). */
  nodes: number;
  /** Labels of node i; nodes beyond the array get none. */
  nodeLabels?: (i: number) => Record<string, string>;
  /** Fixed kube-apiserver port (default: a free one). */
  apiPort?: number;
  /** Where temp dirs go (default /var/lib/l2bench: on disk, so etcd's fsyncs are real). */
  workRoot?: string;
  onProgress?: (line: string) => void;
}

/** One node of a local cluster: a network namespace with its Node object and identity. */
export interface LocalNode extends NamespaceHost {
  index: number;
  name: string;
  labels: Record<string, string>;
  /** Kubeconfig of the node's agent identity (CN l2bench:announcer:<name>, O l2bench:announcers). */
  kubeconfigPath: string;
}

/** Group every node agent's client certificate carries; RBAC binds to it. */
export const ANNOUNCER_GROUP = 'l2bench:announcers';

/**
 * A running local cluster: etcd and kube-apiserver as child processes with a run PKI, a bridge and
 * one network namespace per node. Disposing it tears everything down in reverse order of creation.
 */
export class StartedLocalCluster implements AsyncDisposable {
  readonly nodes: LocalNode[] = [];
  etcd!: ManagedProcess;
  apiserver!: ManagedProcess;
  /** kube-controller-manager and kube-scheduler, as on a kubeadm control plane. */
  components!: StartedComponents;
  network!: NodeNetwork;
  adminKubeconfigPath = '';
  apiServerUrl = '';
  etcdMetricsUrl = '';
  /** Admin TLS identity for scraping kube-apiserver's /metrics. */
  adminTls!: TlsIdentity;
  startupMs = 0;
  private readonly stack = new AsyncDisposableStack();

  private constructor(
    readonly runId: string,
    readonly plan: AddressPlan,
    readonly workDir: string,
    readonly registration: RunRegistration,
  ) {}

  /** Brings a cluster up; on any failure everything created so far is removed before rethrowing. */
  static async start(spec: LocalClusterSpec): Promise<StartedLocalCluster> {
    checkNodeCount(spec.nodes);
    const progress = spec.onProgress ?? (() => {});
    const t0 = performance.now();
    if (spec.apiPort !== undefined) await assertPortFree(spec.apiPort, '0.0.0.0', '--api-port');
    const [apiserverBin, etcdBin, controllerManagerBin, schedulerBin] = await Promise.all([
      resolveTool('kube-apiserver', { onProgress: progress }),
      resolveTool('etcd', { onProgress: progress }),
      // Optional until it builds (harness/tools/tool-versions.ts): without it the run goes on.
      resolveTool('kube-controller-manager', { build: false }).catch(() => null),
      resolveTool('kube-scheduler', { onProgress: progress }),
    ]);
    const runId = randomBytes(3).toString('hex');
    const plan = addressPlan(freeSlot(await hostAddresses()));
    const workDir = join(spec.workRoot ?? '/var/lib/l2bench', `run-${runId}`);
    const registration = new RunRegistration(runId);
    const cluster = new StartedLocalCluster(runId, plan, workDir, registration);
    try {
      await cluster.bringUp(spec, { apiserverBin, etcdBin, controllerManagerBin, schedulerBin }, progress);
    } catch (err) {
      await cluster[Symbol.asyncDispose]().catch(() => {});
      throw err;
    }
    cluster.startupMs = performance.now() - t0;
    return cluster;
  }

  private async bringUp(
    spec: LocalClusterSpec,
    bins: {
      apiserverBin: string;
      etcdBin: string;
      controllerManagerBin: string | null;
      schedulerBin: string;
    },
    progress: (l: string) => void,
  ): Promise<void> {
    const { apiserverBin, etcdBin } = bins;
    const { stack, registration, plan, workDir, runId } = this;
    mkdirSync(join(workDir, 'pki'), { recursive: true });
    mkdirSync(join(workDir, 'logs'), { recursive: true });
    registration.add('dirs', workDir);
    // Disposal runs in reverse: processes, then the network, then the work dir, then the record.
    stack.defer(() => registration.close());
    stack.defer(() => rmSync(workDir, { recursive: true, force: true }));

    progress(`network: bridge and ${spec.nodes} node namespaces in ${plan.slotCidr}`);
    this.network = stack.use(await NodeNetwork.create(runId, plan, spec.nodes, registration));

    progress('pki: CA, serving and client certificates');
    const pkiDir = join(workDir, 'pki');
    const pki = await RunPki.create(pkiDir, `l2bench-ca-${runId}`);
    const certs = await issueControlPlaneCertificates(pki, {
      dnsNames: [
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        'localhost',
      ],
      ipAddresses: [plan.gateway, '127.0.0.1', '198.18.240.1'],
    });
    const { etcd: etcdCert, apiserver: apiCert, apiserverEtcdClient: apiEtcdClient, admin } = certs;
    const sa = certs.serviceAccount;

    const [clientPort, peerPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    progress('etcd: starting (data and WAL on disk)');
    this.etcd = stack.use(
      await this.startProcess({
        name: 'etcd',
        command: etcdBin,
        args: etcdArgs({
          name: `l2b-${runId}`,
          dataDir: join(workDir, 'etcd'),
          clientPort,
          peerPort,
          metricsPort,
          certFile: etcdCert.certFile,
          keyFile: etcdCert.keyFile,
          caFile: pki.ca.certFile,
        }),
        logFile: join(workDir, 'logs', 'etcd.log'),
      }),
    );
    this.etcdMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

    const apiPort = spec.apiPort ?? (await freePort(plan.gateway));
    this.apiServerUrl = `https://${plan.gateway}:${apiPort}`;
    progress(`kube-apiserver: starting on ${this.apiServerUrl}`);
    this.apiserver = stack.use(
      await this.startProcess({
        name: 'kube-apiserver',
        command: apiserverBin,
        args: apiserverArgs({
          bindAddress: plan.gateway,
          securePort: apiPort,
          etcdUrl: `https://127.0.0.1:${clientPort}`,
          etcdCaFile: pki.ca.certFile,
          etcdCertFile: apiEtcdClient.certFile,
          etcdKeyFile: apiEtcdClient.keyFile,
          caFile: pki.ca.certFile,
          tlsCertFile: apiCert.certFile,
          tlsKeyFile: apiCert.keyFile,
          saKeyFile: sa.keyFile,
          saPubFile: sa.pubFile,
          serviceClusterIpRange: SERVICE_CLUSTER_IP_RANGE,
        }),
        logFile: join(workDir, 'logs', 'kube-apiserver.log'),
      }),
    );
    this.adminTls = { ca: pki.ca.certPem, cert: admin.certPem, key: admin.keyPem };
    const clusterName = `l2b-${runId}`;
    this.adminKubeconfigPath = writeKubeconfig({
      path: join(workDir, 'admin.kubeconfig'),
      clusterName,
      server: this.apiServerUrl,
      caPem: pki.ca.certPem,
      user: 'kubernetes-admin',
      certPem: admin.certPem,
      keyPem: admin.keyPem,
    });
    await this.waitReady(60_000);
    progress('kube-apiserver: ready');
    progress(
      bins.controllerManagerBin
        ? 'kube-controller-manager and kube-scheduler: starting (leader election on)'
        : 'kube-scheduler: starting (leader election on); kube-controller-manager not provisioned: not run',
    );
    this.components = await startControlPlaneComponents({
      pki,
      saKeyFile: sa.keyFile,
      apiServerUrl: this.apiServerUrl,
      clusterName,
      serviceClusterIpRange: SERVICE_CLUSTER_IP_RANGE,
      workDir,
      controllerManagerBin: bins.controllerManagerBin,
      schedulerBin: bins.schedulerBin,
      start: async (p) => stack.use(await this.startProcess(p)),
    });

    const labelsOf = spec.nodeLabels ?? (() => ({}));
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    for (const [i, host] of this.network.nodes.entries()) {
      const name = `l2b-${runId}-n${i}`;
      const id = await pki.issue({
        stem: `node-${i}`,
        commonName: `l2bench:announcer:${name}`,
        organizations: [ANNOUNCER_GROUP],
        usage: ['client'],
      });
      const kubeconfigPath = writeKubeconfig({
        path: join(workDir, `node-${i}.kubeconfig`),
        clusterName,
        server: this.apiServerUrl,
        caPem: pki.ca.certPem,
        user: name,
        certPem: id.certPem,
        keyPem: id.keyPem,
      });
      const labels = { ...labelsOf(i), 'kubernetes.io/hostname': name, 'l2bench.io/run': runId };
      await core.createNode({ body: nodeObject(name, labels, host.ip) });
      this.nodes.push({ ...host, index: i, name, labels, kubeconfigPath });
    }
    progress(`nodes: ${this.nodes.length} registered`);
  }

  private async startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
    // The run id in the environment lets `l2bench cleanup` find this process (and its children)
    // after a crash without trusting a PID that may have been reused.
    const proc = await ManagedProcess.start({
      ...spec,
      env: { ...(spec.env ?? process.env), L2BENCH_RUN: this.runId },
    });
    this.registration.addPid(proc.pid);
    return proc;
  }

  /** Polls kube-apiserver's /readyz until it answers 200 (or a process dies, or time runs out). */
  private waitReady(timeoutMs: number): Promise<void> {
    return waitApiServerReady({
      apiServerUrl: this.apiServerUrl,
      tls: this.adminTls,
      timeoutMs,
      pollMs: 200,
      assertAlive: () => {
        if (!this.apiserver.running) {
          throw new BackendError(
            `kube-apiserver exited during start: see ${join(this.workDir, 'logs', 'kube-apiserver.log')}`,
          );
        }
        if (!this.etcd.running)
          throw new BackendError(`etcd exited during start: see ${join(this.workDir, 'logs', 'etcd.log')}`);
      },
    });
  }

  /** A client-node KubeConfig for the admin identity. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.adminKubeconfigPath);
    return kc;
  }

  /**
   * A kubeconfig with a fresh bound token of the agents' kube-system ServiceAccount, for node
   * `nodeIndex` (the ServiceAccount and its bindings must exist: {@link agentServiceAccountObjects}).
   */
  agentTokenKubeconfig(nodeIndex: number): Promise<string> {
    return writeAgentTokenKubeconfig({
      kc: this.kubeConfig(),
      workDir: this.workDir,
      nodeIndex,
      clusterName: `l2b-${this.runId}`,
      server: this.apiServerUrl,
      caPem: this.adminTls.ca,
    });
  }

  /**
   * Starts a process inside node i's network namespace (`ip netns exec`, which execs, so the PID
   * is the process's own); it is stopped with the cluster unless the caller stops it earlier.
   */
  async startInNamespace(netns: string, spec: ProcessSpec): Promise<ManagedProcess> {
    const proc = await this.startProcess({
      ...spec,
      command: 'ip',
      args: ['netns', 'exec', netns, spec.command, ...spec.args],
    });
    this.stack.use(proc);
    return proc;
  }

  /**
   * Starts a process on the host beside the control plane (as kube-controller-manager runs); it
   * is stopped with the cluster unless the caller stops it earlier.
   */
  async startOnHost(spec: ProcessSpec): Promise<ManagedProcess> {
    const proc = await this.startProcess(spec);
    this.stack.use(proc);
    return proc;
  }

  /** Runs a command to completion inside a namespace. */
  execIn(netns: string, command: string, args: readonly string[], timeoutMs = 30_000) {
    return runCommand('ip', ['netns', 'exec', netns, command, ...args], { allowFailure: true, timeoutMs });
  }

  /** Registers extra teardown work (e.g. a deployed announcer set) to run before the cluster goes. */
  defer(fn: () => Promise<void> | void): void {
    this.stack.defer(fn);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stack.disposeAsync();
  }
}

/** IPv4 addresses already configured on this host (to pick a free address slot). */
async function hostAddresses(): Promise<Set<string>> {
  const r = await runCommand('ip', ['-4', '-o', 'addr', 'show']);
  return new Set([...r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!));
}
