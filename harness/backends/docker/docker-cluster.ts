import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type Dockerode from 'dockerode';
import type { StartedTestContainer } from 'testcontainers';
import { checkNodeCount } from '../../cluster/address-plan.js';
import { writeKubeconfig } from '../../cluster/kubeconfig-file.js';
import { nodeObject } from '../../cluster/node-object.js';
import { issueControlPlaneCertificates, RunPki } from '../../cluster/pki.js';
import { RunRegistration } from '../../cluster/run-registry.js';
import { waitApiServerReady, waitComponentLeases } from '../../cluster/wait-api-ready.js';
import { BackendError } from '../../errors.js';
import { applyManifests } from '../../manifests/apply-manifests.js';
import { ControlPlaneLeaseWatch } from '../../measure/control-plane-leases.js';
import type { TlsIdentity } from '../../util/https-get.js';
import { agentServiceAccountObjects, writeAgentTokenKubeconfig } from '../local/agent-identity.js';
import { AGENT_NODE_FLAGS } from './bundle.js';
import { type CgroupFiles, containerCgroup } from './container-cpu.js';
import { ContainerProcess, type ContainerProcessSpec } from './container-process.js';
import { controlPlaneProcesses } from './control-plane-processes.js';
import { type DockerAddressPlan, dockerAddressPlan, freeDockerSlots } from './docker-address-plan.js';
import { type DockerEngine, ensureDockerEngine } from './docker-engine.js';
import { DOCKER_RUN_LABEL, L2benchContainer, removeRunResources } from './docker-resources.js';
import { buildL2benchImages, IMAGE_PATHS, type L2benchImages } from './images.js';

export interface DockerClusterSpec {
  /** Number of node containers (1..100). */
  nodes: number;
  /** Labels of node i. */
  nodeLabels?: (i: number) => Record<string, string>;
  /** CPU limit of the control-plane container (`docker run --cpus`); unset: none. */
  controlPlaneCpus?: number;
  /** Where the run's host-side files go (default /var/lib/l2bench). */
  workRoot?: string;
  onProgress?: (line: string) => void;
}

/** Host PIDs of the control-plane container's processes. */
export interface ControlPlanePids {
  etcd: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

/** One node: a container on the run's network with the node agent's identity. */
export interface DockerNode {
  index: number;
  name: string;
  ip: string;
  labels: Record<string, string>;
  container: StartedTestContainer;
  /** Kubeconfig of the node's agent (a kube-system/l2bench-announcer token), at this path inside the container. */
  kubeconfigPath: string;
}

const API_PORT = 6443;
const ETCD_METRICS_PORT = 2381;
const NODE_KUBECONFIG = '/etc/l2bench/kubeconfig';
const PKI_DIR = '/etc/kubernetes/pki';

/**
 * A running docker-backend cluster: a user-defined bridge network with an explicit subnet of
 * 198.19.0.0/16, one control-plane container (etcd + kube-apiserver, data on a run volume), and one
 * container per node running the echo backend (the agent is exec'd into it when the runner asks).
 * Everything carries `l2bench.io/run=<id>`; disposing removes it all, as does `l2bench cleanup`
 * after a crash.
 */
export class StartedDockerCluster implements AsyncDisposable {
  readonly nodes: DockerNode[] = [];
  controlPlane!: StartedTestContainer;
  networkName = '';
  adminKubeconfigPath = '';
  apiServerUrl = '';
  etcdMetricsUrl = '';
  adminTls!: TlsIdentity;
  images!: L2benchImages;
  startupMs = 0;
  private readonly stack = new AsyncDisposableStack();

  private constructor(
    readonly runId: string,
    readonly engine: DockerEngine,
    readonly workDir: string,
    readonly registration: RunRegistration,
    public plan: DockerAddressPlan,
  ) {}

  get docker(): Dockerode {
    return this.engine.docker;
  }

  static async start(spec: DockerClusterSpec): Promise<StartedDockerCluster> {
    checkNodeCount(spec.nodes);
    if (spec.controlPlaneCpus !== undefined && !(spec.controlPlaneCpus > 0))
      throw new BackendError(`controlPlaneCpus must be a positive number (got ${spec.controlPlaneCpus})`);
    const progress = spec.onProgress ?? (() => {});
    const t0 = performance.now();
    const engine = await ensureDockerEngine({ onProgress: progress });
    const runId = randomBytes(3).toString('hex');
    const workDir = join(spec.workRoot ?? '/var/lib/l2bench', `run-${runId}`);
    const registration = new RunRegistration(runId);
    const cluster = new StartedDockerCluster(runId, engine, workDir, registration, dockerAddressPlan(1));
    try {
      await cluster.bringUp(spec, progress);
    } catch (err) {
      await cluster[Symbol.asyncDispose]().catch(() => {});
      throw err;
    }
    cluster.startupMs = performance.now() - t0;
    return cluster;
  }

  private labels(): Record<string, string> {
    return { [DOCKER_RUN_LABEL]: this.runId };
  }

  private async bringUp(spec: DockerClusterSpec, progress: (l: string) => void): Promise<void> {
    const { stack, registration, workDir, runId, docker } = this;
    mkdirSync(join(workDir, 'logs'), { recursive: true });
    mkdirSync(join(workDir, 'pki'), { recursive: true });
    mkdirSync(join(workDir, 'probes'), { recursive: true });
    registration.add('dirs', workDir);
    stack.defer(() => registration.close());
    stack.defer(() => rmSync(workDir, { recursive: true, force: true }));
    // Containers, then the network, then the volume: by label, so a half-built run goes too.
    stack.defer(async () => {
      const r = await removeRunResources(docker, runId);
      if (r.errors.length > 0)
        throw new BackendError(`docker teardown of run ${runId}: ${r.errors.join('; ')}`);
    });

    this.images = await buildL2benchImages(docker, progress);
    await this.createNetwork(progress);
    const { plan } = this;

    progress('pki: CA, serving and client certificates');
    const pki = await RunPki.create(join(workDir, 'pki'), `l2bench-ca-${runId}`);
    const certs = await issueControlPlaneCertificates(pki, {
      dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'localhost'],
      ipAddresses: [plan.controlPlane, '127.0.0.1', '198.19.240.1'],
    });
    const { admin } = certs;
    const processes = await controlPlaneProcesses({
      runId,
      pki,
      certs,
      controlPlaneIp: plan.controlPlane,
      apiPort: API_PORT,
      etcdMetricsPort: ETCD_METRICS_PORT,
      pkiDir: PKI_DIR,
    });
    const volume = `l2b-${runId}-etcd`;
    await docker.createVolume({ Name: volume, Labels: this.labels() });
    const cpus = spec.controlPlaneCpus;
    progress(
      `control plane: container ${plan.controlPlane}${cpus ? ` limited to ${cpus} CPUs` : ''} (etcd data on volume ${volume})`,
    );
    const cp = new L2benchContainer(this.images.controlPlane)
      .withName(`l2b-${runId}-cp`)
      .withHostname(`l2b-${runId}-cp`)
      .withLabels(this.labels())
      .withStaticAddress(this.networkName, plan.controlPlane)
      .withBindMounts([{ source: volume, target: '/var/lib/etcd', mode: 'rw' }])
      .withCopyDirectoriesToContainer([{ source: join(workDir, 'pki'), target: PKI_DIR }])
      .withCopyContentToContainer([
        { content: JSON.stringify(processes), target: '/etc/l2bench/processes.json' },
      ])
      .withLogConsumer((s) => s.pipe(createLog(join(workDir, 'logs', 'control-plane.log'))))
      .withStartupTimeout(60_000);
    if (cpus !== undefined) cp.withResourcesQuota({ cpu: cpus });
    this.controlPlane = await cp.start();

    this.apiServerUrl = `https://${plan.controlPlane}:${API_PORT}`;
    this.etcdMetricsUrl = `http://${plan.controlPlane}:${ETCD_METRICS_PORT}/metrics`;
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
    await this.waitReady(90_000);
    progress(`kube-apiserver: ready at ${this.apiServerUrl}`);

    const labelsOf = spec.nodeLabels ?? (() => ({}));
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    // Bindings to roles the deployment applies later (RBAC resolves them per request). Leases in
    // any namespace: the scenario, which may use kube-vip-style names, is not known here.
    await applyManifests(this.kubeConfig(), agentServiceAccountObjects(runId, true));
    const starts: Promise<void>[] = [];
    for (let i = 0; i < spec.nodes; i++) {
      const name = `l2b-${runId}-n${i}`;
      const ip = plan.node(i);
      // The agent's identity: a bound token of the kube-system ServiceAccount, as a DaemonSet pod's.
      const kubeconfig = await writeAgentTokenKubeconfig({
        kc: this.kubeConfig(),
        workDir,
        nodeIndex: i,
        clusterName,
        server: this.apiServerUrl,
        caPem: pki.ca.certPem,
      });
      const labels = { ...labelsOf(i), 'kubernetes.io/hostname': name, [DOCKER_RUN_LABEL]: runId };
      await core.createNode({ body: nodeObject(name, labels, ip) });
      starts.push(
        this.startNodeContainer(i, name, ip, kubeconfig).then((container) => {
          this.nodes[i] = { index: i, name, ip, labels, container, kubeconfigPath: NODE_KUBECONFIG };
        }),
      );
    }
    await Promise.all(starts);
    progress(`nodes: ${this.nodes.length} containers on ${this.networkName}`);
    // The components' PIDs are read once after start: wait until they run for good.
    await waitComponentLeases(this.kubeConfig(), ControlPlaneLeaseWatch.NAMES, 90_000);
    progress('kube-controller-manager and kube-scheduler: leading');
  }

  /** Creates the run's bridge network in the first free /20 (retrying when a concurrent run took it). */
  private async createNetwork(progress: (l: string) => void): Promise<void> {
    const used = (await this.docker.listNetworks())
      .flatMap((n) => n.IPAM?.Config ?? [])
      .flatMap((c) => (c.Subnet ? [c.Subnet] : []));
    const name = `l2b-${this.runId}`;
    let lastError = '';
    for (const slot of freeDockerSlots(used)) {
      const plan = dockerAddressPlan(slot);
      try {
        await this.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: this.labels(),
          IPAM: {
            Driver: 'default',
            Config: [{ Subnet: plan.subnet, IPRange: plan.ipRange, Gateway: plan.gateway }],
          },
        });
        this.plan = plan;
        this.networkName = name;
        progress(`network: ${name} ${plan.subnet} (containers ${plan.ipRange}, VIPs ${plan.vipCidr})`);
        return;
      } catch (err) {
        lastError = (err as Error).message;
        if (!/overlap/i.test(lastError))
          throw new BackendError(`docker network create ${name}: ${lastError}`);
      }
    }
    throw new BackendError(`docker network create ${name}: no free /20 in 198.19.0.0/16 (${lastError})`);
  }

  private async startNodeContainer(
    i: number,
    name: string,
    ip: string,
    kubeconfigPath: string,
  ): Promise<StartedTestContainer> {
    return (
      new L2benchContainer(this.images.announcer)
        .withName(name)
        .withHostname(name)
        .withLabels({ ...this.labels(), 'l2bench.io/node': name })
        .withStaticAddress(this.networkName, ip)
        .withAddedCapabilities('NET_ADMIN', 'NET_RAW')
        // The agent raises arp_ignore itself on a host; /proc/sys is read-only in a container.
        .withSysctls({ 'net.ipv4.conf.all.arp_ignore': '1' })
        .withEntrypoint([IMAGE_PATHS.node])
        .withCommand([...AGENT_NODE_FLAGS, IMAGE_PATHS.echoServer, name, '80', '8080'])
        .withCopyFilesToContainer([{ source: kubeconfigPath, target: NODE_KUBECONFIG }])
        .withLogConsumer((s) => s.pipe(createLog(join(this.workDir, 'logs', `node-${i}.log`))))
        .start()
    );
  }

  /** Polls kube-apiserver's /readyz until 200 (or the container stops, or time runs out). */
  private waitReady(timeoutMs: number): Promise<void> {
    return waitApiServerReady({
      apiServerUrl: this.apiServerUrl,
      tls: this.adminTls,
      timeoutMs,
      pollMs: 250,
      assertAlive: async () => {
        const state = (await this.docker.getContainer(this.controlPlane.getId()).inspect()).State;
        if (!state.Running)
          throw new BackendError(
            `control-plane container exited (${state.ExitCode}): see ${join(this.workDir, 'logs', 'control-plane.log')}`,
          );
      },
    });
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.adminKubeconfigPath);
    return kc;
  }

  nodeByName(name: string): DockerNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** Host PIDs of the control plane's four processes (from `docker top`, which lists host PIDs). */
  async controlPlanePids(): Promise<ControlPlanePids> {
    const top = await this.docker.getContainer(this.controlPlane.getId()).top({ ps_args: '-eo pid,args' });
    const pidCol = top.Titles.indexOf('PID');
    const cmdCol = top.Titles.findIndex((t: string) => t === 'COMMAND' || t === 'CMD');
    const find = (bin: string) => {
      const row = top.Processes.find((p: string[]) => (p[cmdCol] ?? '').startsWith(bin));
      if (!row) throw new BackendError(`control-plane container runs no ${bin}`);
      return Number(row[pidCol]);
    };
    return {
      etcd: find(IMAGE_PATHS.etcd),
      apiserver: find(IMAGE_PATHS.kubeApiserver),
      controllerManager: find(IMAGE_PATHS.kubeControllerManager),
      scheduler: find(IMAGE_PATHS.kubeScheduler),
    };
  }

  /** The control-plane container's cgroup files (what `docker stats` reads). */
  async controlPlaneCgroup(): Promise<CgroupFiles> {
    const pid = (await this.docker.getContainer(this.controlPlane.getId()).inspect()).State.Pid;
    const files = containerCgroup(pid);
    if (!files) throw new BackendError(`no cgroup found for the control-plane container (pid ${pid})`);
    return files;
  }

  /** Starts a process inside node i's container (it stops with the cluster at the latest). */
  async execInNode(i: number, spec: ContainerProcessSpec): Promise<ContainerProcess> {
    const node = this.nodes[i];
    if (!node) throw new BackendError(`no node ${i}`);
    const proc = await ContainerProcess.start(this.docker.getContainer(node.container.getId()), spec);
    this.stack.defer(() => proc.stop(2000));
    return proc;
  }

  defer(fn: () => Promise<void> | void): void {
    this.stack.defer(fn);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stack.disposeAsync();
  }
}

/** An append stream for a container's log that never throws into the run (the dir may go first). */
function createLog(path: string): WriteStream {
  const s = createWriteStream(path, { flags: 'a' });
  s.on('error', () => {});
  return s;
}
