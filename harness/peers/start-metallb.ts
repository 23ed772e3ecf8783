import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { LocalNode, StartedLocalCluster } from '../backends/local/local-cluster.js';
import type { ManagedProcess } from '../backends/local/managed-process.js';
import { writeKubeconfig } from '../cluster/kubeconfig-file.js';
import type { AnnouncerEvent } from '../deployment/announcer-events.js';
import { BackendError } from '../errors.js';
import { applyManifests } from '../manifests/apply-manifests.js';
import { RUN_LABEL, type ServicePlan } from '../manifests/scenario-objects.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { resolveTool } from '../tools/resolve-tool.js';
import { freePort } from '../util/free-port.js';
import { ipv4Range, rangeCidrs } from '../util/ipv4-range.js';
import { runCommand } from '../util/run-command.js';
import {
  METALLB_CONTROLLER_SA,
  METALLB_ML_KEY_FILE,
  METALLB_NAMESPACE,
  METALLB_SPEAKER_SA,
  metallbControllerArgs,
  metallbCrds,
  metallbEndpointSlice,
  metallbPoolObjects,
  metallbRbacObjects,
  metallbSpeakerArgs,
  metallbSpeakerPod,
} from './metallb.js';
import { parseMetallbSpeakerLine } from './metallb-log.js';

/** A bound token's lifetime: longer than any run (nothing refreshes it, as a kubelet would). */
const TOKEN_SECONDS = 24 * 3600;

/**
 * MetalLB v0.15.2 in L2 mode on a local cluster: the controller on the host beside the control
 * plane, one speaker per selected node in that node's namespace, each as its own ServiceAccount
 * (a bound token, as the kubelet would project). What kubelets and kube-proxy would do, the
 * harness does: the memberlist key file (a mounted Secret), the speaker Pods with their IPs
 * (memberlist discovery), an EndpointSlice with one ready endpoint per announced service, and on
 * each node a `local` route for the pool with `arp_ignore=1` on its link, as kube-proxy's IPVS mode
 * with strictARP leaves a node: the node accepts traffic to any VIP, and only MetalLB's speaker
 * answers ARP for one.
 */
export class LocalMetallb {
  controller: ManagedProcess | undefined;
  #prepared = false;
  /** The pool as CIDRs, fixed by {@link prepare} (the pool is part of the cluster's shape). */
  #poolCidrs: string[] = [];
  readonly #dir: string;
  readonly #core: CoreV1Api;

  constructor(
    private readonly cluster: StartedLocalCluster,
    private readonly kc: KubeConfig,
    private readonly onEvent: (e: AnnouncerEvent) => void,
  ) {
    this.#dir = join(cluster.workDir, 'metallb');
    this.#core = kc.makeApiClient(CoreV1Api);
  }

  /** The pool as CIDRs: the scenario's, or the backend's VIP range. */
  static poolCidrs(scenario: ResolvedScenario, vipCidr: string): string[] {
    const range = scenario.pool ? ipv4Range(scenario.pool) : undefined;
    return range ? rangeCidrs(range) : [vipCidr];
  }

  /** The nodes that run a speaker: the selected ones (as kube-vip's), selected nodes first. */
  speakerNodes(scenario: ResolvedScenario): LocalNode[] {
    return this.cluster.nodes.filter((n) => n.index < scenario.nodes.count);
  }

  /** CRDs, namespace, pool, advertisement, RBAC, identities, memberlist key and speaker Pods; once. */
  async prepare(scenario: ResolvedScenario): Promise<void> {
    if (this.#prepared) return;
    const labels = { [RUN_LABEL]: this.cluster.runId };
    this.#poolCidrs = LocalMetallb.poolCidrs(scenario, this.cluster.plan.vipCidr);
    await applyManifests(this.kc, metallbCrds(labels));
    await applyManifests(this.kc, metallbPoolObjects(this.#poolCidrs, labels));
    await applyManifests(this.kc, metallbRbacObjects(labels));
    mkdirSync(join(this.#dir, 'ml'), { recursive: true });
    writeFileSync(join(this.#dir, 'ml', METALLB_ML_KEY_FILE), randomBytes(32).toString('base64'), {
      mode: 0o600,
    });
    await this.writeTokenKubeconfig(METALLB_CONTROLLER_SA);
    await this.writeTokenKubeconfig(METALLB_SPEAKER_SA);
    for (const node of this.speakerNodes(scenario)) await this.writeSpeakerPod(node, labels);
    this.#prepared = true;
  }

  /** Starts the controller (IPAM) unless it runs. */
  async startController(): Promise<void> {
    if (this.controller?.running) return;
    const binary = await resolveTool('metallb-controller');
    this.controller = await this.cluster.startOnHost({
      name: 'metallb-controller',
      command: binary,
      args: metallbControllerArgs({ metricsPort: await freePort() }),
      env: this.env(METALLB_CONTROLLER_SA),
      cwd: this.#dir,
      logFile: join(this.cluster.workDir, 'logs', 'metallb-controller.log'),
    });
  }

  /** Starts node's speaker, with its node's VIP route and ARP setting in place. */
  async startSpeaker(node: LocalNode): Promise<ManagedProcess> {
    const binary = await resolveTool('metallb-speaker');
    await this.setVipRoutes(node, true);
    return this.cluster.startInNamespace(node.netns, {
      name: `metallb-speaker-${node.name}`,
      command: binary,
      args: metallbSpeakerArgs({
        nodeName: node.name,
        nodeAddress: node.ip,
        keyDir: join(this.#dir, 'ml'),
      }),
      env: this.env(METALLB_SPEAKER_SA),
      cwd: this.#dir,
      logFile: join(this.cluster.workDir, 'logs', `metallb-speaker-${node.index}.log`),
      onLine: (line) => {
        for (const e of parseMetallbSpeakerLine(line, node.name, Date.now())) this.onEvent(e);
      },
    });
  }

  async stopController(): Promise<void> {
    await this.controller?.stop(5000);
    this.controller = undefined;
  }

  /**
   * Adds (or removes) the `local` routes for the pool in node's namespace, and sets `arp_ignore`
   * on its link to 1 (or back to 0): with the routes the node's kernel takes VIP traffic, and with
   * `arp_ignore=1` it answers ARP only for addresses on that link, leaving the VIPs to MetalLB.
   * Removing them is what a crashed node loses: it no longer takes the VIPs' traffic.
   */
  async setVipRoutes(node: LocalNode, on: boolean): Promise<void> {
    for (const cidr of this.#poolCidrs) {
      const r = await runCommand(
        'ip',
        ['-n', node.netns, 'route', on ? 'replace' : 'del', 'local', cidr, 'dev', 'lo', 'table', 'local'],
        { allowFailure: true },
      );
      if (on && r.code !== 0)
        throw new BackendError(`ip route replace local ${cidr} in ${node.netns} failed: ${r.stderr.trim()}`);
    }
    await this.cluster.execIn(node.netns, 'sysctl', [
      '-q',
      '-w',
      `net.ipv4.conf.${node.ifname}.arp_ignore=${on ? 1 : 0}`,
    ]);
  }

  /**
   * One EndpointSlice per announced service, its ready endpoint the echo backend of the first
   * speaker node (MetalLB only needs one to exist; traffic is served by the announcing node's own
   * echo backend, as with the bundled agent, since no kube-proxy forwards it).
   */
  async writeEndpointSlices(plans: readonly ServicePlan[], scenario: ResolvedScenario): Promise<void> {
    const node = this.speakerNodes(scenario)[0];
    if (!node) throw new BackendError('metallb: no selected node for the services’ endpoint');
    const labels = { [RUN_LABEL]: this.cluster.runId };
    for (const p of plans.filter((x) => x.announced)) {
      const svc = await this.#core.readNamespacedService({ name: p.name, namespace: p.namespace });
      const uid = svc.metadata?.uid;
      if (!uid) throw new BackendError(`metallb: service ${p.namespace}/${p.name} has no uid`);
      await applyManifests(this.kc, [
        metallbEndpointSlice(
          { name: p.name, namespace: p.namespace, uid },
          { name: node.name, address: node.ip },
          { name: 'http-port', targetPort: scenario.services.echo.targetPort },
          labels,
        ),
      ]);
    }
  }

  private env(account: string): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      // controller-runtime's GetConfig reads KUBECONFIG before in-cluster and ~/.kube/config.
      KUBECONFIG: this.kubeconfigPath(account),
      HOME: this.#dir,
    };
  }

  private kubeconfigPath(account: string): string {
    return join(this.#dir, `${account}.kubeconfig`);
  }

  /** A bound token for the ServiceAccount from the TokenRequest API, in a kubeconfig. */
  private async writeTokenKubeconfig(account: string): Promise<void> {
    const tr = await this.#core.createNamespacedServiceAccountToken({
      name: account,
      namespace: METALLB_NAMESPACE,
      body: { spec: { audiences: [], expirationSeconds: TOKEN_SECONDS } },
    });
    const token = tr.status?.token;
    if (!token) throw new BackendError(`TokenRequest for ${METALLB_NAMESPACE}/${account} returned no token`);
    writeKubeconfig({
      path: this.kubeconfigPath(account),
      clusterName: `l2b-${this.cluster.runId}`,
      server: this.cluster.apiServerUrl,
      caPem: this.cluster.adminTls.ca,
      user: `system:serviceaccount:${METALLB_NAMESPACE}:${account}`,
      token,
    });
  }

  /** Creates node's speaker Pod (if absent) and writes its status as a kubelet would: Running, its IP. */
  private async writeSpeakerPod(node: LocalNode, labels: Record<string, string>): Promise<void> {
    const { pod, status } = metallbSpeakerPod({ name: node.name, address: node.ip }, labels);
    const name = pod.metadata?.name ?? '';
    try {
      await this.#core.createNamespacedPod({ namespace: METALLB_NAMESPACE, body: pod });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
    const current = await this.#core.readNamespacedPod({ name, namespace: METALLB_NAMESPACE });
    current.status = {
      ...current.status,
      phase: status.phase,
      podIP: status.podIP,
      podIPs: [{ ip: status.podIP }],
      hostIP: node.ip,
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    await this.#core.replaceNamespacedPodStatus({ name, namespace: METALLB_NAMESPACE, body: current });
  }
}
