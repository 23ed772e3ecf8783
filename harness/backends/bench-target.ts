import type { KubeConfig } from '@kubernetes/client-node';
import type { LeaseLoad, LoadVerb } from '../calibrate/lease-load.js';
import type { AnnouncerEventLog } from '../deployment/announcer-events.js';
import { BackendError } from '../errors.js';
import type { ServicePlan } from '../manifests/scenario-objects.js';
import type { WireObservations } from '../measure/arp-lines.js';
import type { ComponentLeaseWindow } from '../measure/control-plane-leases.js';
import type { MetricsEndpoints } from '../measure/control-plane-metrics.js';
import type { SampledProcess } from '../measure/cpu-sampler.js';
import type { RunningProbes, StartProbesOptions } from '../measure/k6-probe.js';
import type { FaultKind } from '../scenario/fault-kind.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';

/** A service as deployed: its plan, the Lease that decides who announces it and, once IPAM assigned one, its VIP. */
export interface DeployedService extends ServicePlan {
  vip: string | null;
  /**
   * The Lease whose holder announces the service: its own (per-service, per-service-watch) or its
   * bucket's (sharded); null under node-lease, where the live node Leases decide.
   */
  leaseName: string | null;
  leaseNamespace: string;
}

/** What a probe run needs besides where it runs from (the target knows that). */
export type ProbeSpec = Omit<StartProbesOptions, 'k6Path' | 'netns'>;

/**
 * One backend's cluster with the announcer deployed on it: the single seam between the runner and
 * a backend (`local`, `docker`, `kind`, `cluster`). The runner never reaches past it, so the same
 * windows, trials and figures apply to every backend.
 *
 * Lifecycle: {@link startBenchTarget} returns it with the cluster up and nothing deployed; the
 * runner calls `prepare`, then `startAllAgents`/`createServices`/`waitForAddresses`, and disposes
 * it at the end, which removes everything the target created.
 */
export interface BenchTarget extends AsyncDisposable {
  readonly backend: ResolvedScenario['backend'];
  readonly scenario: ResolvedScenario;
  /** A directory for this target's probe outputs and logs (removed on dispose). */
  readonly workDir: string;
  /** Node names, in the order the backend created them (selected nodes first). */
  readonly nodeNames: readonly string[];
  /** Announcer log events (takeovers, binds), for trial analysis; empty where a backend has none. */
  readonly events: AnnouncerEventLog;
  /** The scenario's services once created, with their VIPs once assigned. */
  readonly services: DeployedService[];
  /** Where kube-apiserver's and etcd's /metrics are scraped. */
  readonly metrics: MetricsEndpoints;
  /** An admin client configuration. */
  kubeConfig(): KubeConfig;
  /** CPU sources of the control plane (kube-apiserver and etcd processes or containers). */
  controlPlaneCpu(): SampledProcess[];
  /** CPU sources of the running announcers (empty while they are stopped). */
  agentCpu(): SampledProcess[];
  /** Leader election of kube-controller-manager and kube-scheduler, where the backend runs them. */
  readonly controlPlaneLeases?: { window(startMs: number, endMs: number): ComponentLeaseWindow[] };
  /**
   * Points the announcement policy at the scenario's services (true) or at none (false), with the
   * agents left running: the idle window's reference. Backends without it skip idle windows.
   */
  setAnnouncing?(announcing: boolean): Promise<void>;
  /**
   * Starts k6's fixed-rate Lease GETs or PUTs against the API server with an agent's identity, for
   * `seconds` (measurement.calibration). Backends without it run no calibration windows.
   */
  startLeaseLoad?(verb: LoadVerb, rate: number, seconds: number): Promise<LeaseLoad>;

  /**
   * Who announces `service` where no Lease says so (MetalLB: from its speakers' logs); absent:
   * the Lease's holder (or node-lease's rendezvous choice) decides.
   */
  readonly announcingNode?: ((service: DeployedService) => string | null) | undefined;
  /**
   * False where a probe's answer names the node of the echo pod behind the VIP (kube-proxy picks
   * it: kind, cluster), not the node announcing it; absent: true (local and docker run an echo
   * server in every node that names its own node). Failover trials then take the outage from the
   * probes' silence and the new announcer from the Lease (failover-trial.ts).
   */
  readonly probesNameAnnouncer?: boolean;

  /** Applies CRDs, RBAC, pool and policy; starts every node's echo backend. */
  prepare(): Promise<void>;
  /** Creates the scenario's services (IPAM assigns their VIPs once agents run). */
  createServices(): Promise<void>;
  /** Reads each announced service's VIP from its status, waiting up to `timeoutMs`. */
  waitForAddresses(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /**
   * Readies the target for another variant of the same {@link clusterShapeKey}: stops every
   * agent, deletes the announcer's Leases and the run's services, applies the new scenario's pool
   * and policy, and waits for the deletions to settle. The control plane, nodes and echo backends
   * stay; afterwards `scenario` is the new one and `services` is empty (call `createServices`).
   * Services the new scenario would create identically may be kept with their addresses
   * (`servicesKept`), which `createServices` then adopts: announce time then excludes IPAM.
   * Backends without it get a fresh target per variant.
   */
  reconfigure?(scenario: ResolvedScenario, signal?: AbortSignal): Promise<{ servicesKept: boolean }>;
  startAllAgents(): Promise<void>;
  /** Stops every agent gracefully (leases released, VIPs unbound). */
  stopAllAgents(): Promise<void>;

  /**
   * Polls from the client side until every VIP answers; the elapsed ms, or null on timeout or
   * abort. Every backend delegates to harness/measure/vip-poller.ts (one contract: what answers,
   * batch size, request timeout, round interval) with a client for where it sits.
   */
  waitUntilAllAnswer(
    vips: readonly string[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number | null>;
  /** Starts k6 probes from the client side (a client namespace or container). */
  startProbes(spec: ProbeSpec): Promise<RunningProbes>;
  /**
   * Starts watching who answers ARP for `vips` on the client's segment, and which node has them
   * bound, for at most `maxSeconds` (harness/measure/arp-watch.ts). Absent where the backend cannot.
   */
  startWireWatch?(vips: readonly string[], maxSeconds: number): Promise<WireWatch>;
  /**
   * Injects `fault` into the named node and, for freeze, partition and control-plane-outage (every
   * node's, not only the named one's), holds it for the scenario's length before lifting it.
   * Returns once the fault is in place (node-crash, graceful), the agent restarted (agent-crash),
   * or the fault lifted.
   */
  injectFault(fault: FaultKind, nodeName: string, signal?: AbortSignal): Promise<void>;
  /** Brings the node back to a working agent and echo backend after a trial. */
  restoreNode(fault: FaultKind, nodeName: string, signal?: AbortSignal): Promise<void>;
}

/** A running wire watch; `stop` ends it and returns what it saw. */
export interface WireWatch {
  stop(): Promise<WireObservations>;
}

/** Inputs every backend gets to start a target for one variant. */
export interface BenchTargetOptions {
  scenario: ResolvedScenario;
  /** The k6 binary, for backends that run probes on this host. */
  k6Path: string;
  progress: (line: string) => void;
  signal: AbortSignal;
  /** The cluster backend's `--context` and `--yes` (other backends ignore them). */
  cluster?: { context?: string; yes?: boolean };
}

/**
 * Backends whose targets implement {@link BenchTarget.reconfigure}: a sweep runs on one cluster per
 * node shape. The others (kind, cluster) start a target per variant, and the plan says so
 * (bench-target.test.ts checks this set against the targets' classes).
 */
export const RECONFIGURABLE_BACKENDS: ReadonlySet<ResolvedScenario['backend']> = new Set(['local', 'docker']);

/**
 * What a started target is made of: variants with equal keys can run one after another on one
 * target ({@link BenchTarget.reconfigure}), so a sweep over strategies, timers or service counts
 * compares them on the same cluster. Nodes, their labels, the pool, the service namespace and the
 * echo ports make the key; announcer settings, service counts, windows and faults do not. On a
 * backend that cannot reconfigure, the whole scenario is the key: every variant starts its own.
 */
export function clusterShapeKey(s: ResolvedScenario): string {
  if (!RECONFIGURABLE_BACKENDS.has(s.backend)) return JSON.stringify({ backend: s.backend, scenario: s });
  const { count, labels, unselected } = s.nodes;
  return JSON.stringify({
    backend: s.backend,
    nodes: { count, labels, unselected },
    pool: s.pool ?? null,
    namespace: s.services.namespace,
    echo: s.services.echo,
  });
}

/**
 * Refuses to reconfigure a target for a variant of another {@link clusterShapeKey}; `where` names
 * the target (`local run <id>`, `docker run <id>`).
 */
export function assertSameClusterShape(
  where: string,
  current: ResolvedScenario,
  next: ResolvedScenario,
): void {
  if (clusterShapeKey(next) !== clusterShapeKey(current)) {
    throw new BackendError(
      `${where}: variant needs another cluster shape (${clusterShapeKey(next)}); start a new target`,
    );
  }
}
