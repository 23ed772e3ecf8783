import type { KubeConfig } from '@kubernetes/client-node';
import {
  assertSameClusterShape,
  type BenchTarget,
  type BenchTargetOptions,
  type DeployedService,
  type ProbeSpec,
} from '../../backends/bench-target.js';
import type { BackendDriver } from '../../backends/start-bench-target.js';
import type { LeaseLoad, LoadVerb } from '../../calibrate/lease-load.js';
import { AnnouncerEventLog } from '../../deployment/announcer-events.js';
import { BackendError } from '../../errors.js';
import { planServices } from '../../manifests/scenario-objects.js';
import type { MetricsEndpoints } from '../../measure/control-plane-metrics.js';
import type { SampledProcess } from '../../measure/cpu-sampler.js';
import type { RunningProbes } from '../../measure/k6-probe.js';
import { parseScrape, type Scrape } from '../../measure/prom-scrape.js';
import type { Environment, TrialRecord } from '../../results/results-schema.js';
import type { FaultKind } from '../../scenario/fault-kind.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import type { TrialSpec } from '../failover-trial.js';
import type { RunSeams } from '../run-seams.js';
import type { FakeClock } from './fake-clock.js';

/** How the fake backend behaves; every field is a function of the variant's scenario. */
export interface FakeBackendOptions {
  clock: FakeClock;
  /** Milliseconds from creating the services (or starting the agents) until every VIP answers. Default 1500. */
  announceMs?: (s: ResolvedScenario) => number;
  /** The code the fake API server answers lease updates with. Default '200'; '429' is throttling. */
  leaseCode?: (s: ResolvedScenario) => string;
  /**
   * Called at every step a target takes (`start`, `prepare`, `reconfigure`, `agents`, `services`,
   * `scrape`, `fault`, `dispose`…) with the target's number: a test aborts its run or throws there.
   */
  onStep?: (step: string, target: FakeBenchTarget) => void;
  /** False: targets cannot switch the policy (no `setAnnouncing`), as a backend without one. */
  canSwitchPolicy?: boolean;
  /** A message makes `waitForAddresses` fail with it (a BackendError, as IPAM too slow). */
  addressError?: (s: ResolvedScenario) => string | undefined;
}

/**
 * An in-memory backend for the runner's unit tests: targets that keep their nodes, services,
 * agents and lease counters in memory, answer on a {@link FakeClock}, and log every step in
 * `log` (`t1 prepare`, `t1 reconfigure services=5`…). No process, namespace or address is touched.
 */
export class FakeBackend {
  readonly log: string[] = [];
  readonly targets: FakeBenchTarget[] = [];
  /** Targets alive now and the most alive at once (`--parallel` runs them side by side). */
  live = 0;
  maxLive = 0;

  constructor(readonly o: FakeBackendOptions) {}

  driver(): BackendDriver {
    return {
      tools: [],
      prepareHost: async () => {
        this.log.push('prepareHost');
      },
      start: async (o: BenchTargetOptions) => {
        const t = new FakeBenchTarget(this, this.targets.length + 1, o.scenario);
        this.targets.push(t);
        t.step(`start nodes=${o.scenario.nodes.count}`);
        await this.o.clock.sleep(2000, o.signal);
        this.live++;
        this.maxLive = Math.max(this.maxLive, this.live);
        return t;
      },
    };
  }

  /** Seams for `runScenario(o, seams)`: this backend, no tools, a fixed environment, the fake clock. */
  seams(): Partial<RunSeams> {
    return {
      driver: () => this.driver(),
      resolveTool: async (name) => `/fake/${name}`,
      captureEnvironment: async (backend) => fakeEnvironment(backend),
      availableMemoryBytes: () => 64 * 2 ** 30,
      clock: this.o.clock,
      scrape: async (ep: MetricsEndpoints) => this.#target(ep.apiserverUrl).scrape(),
      runTrial: (t) => this.#trial(t),
    };
  }

  #target(url: string): FakeBenchTarget {
    const t = this.targets.find((x) => x.metrics.apiserverUrl === url);
    if (!t) throw new Error(`no fake target at ${url}`);
    return t;
  }

  /** A trial as the fake sees it: the first node holds every service; the fault costs 1.5 s. */
  async #trial(t: TrialSpec): Promise<TrialRecord | null> {
    const from = t.target.nodeNames[0];
    if (!from || !t.service.vip) return null;
    const clock = this.o.clock;
    const faultAtMs = clock.now();
    await t.target.injectFault(t.fault, from, t.signal);
    await clock.sleep(1500, t.signal);
    t.onPhase?.(`${t.fault} #${t.trial + 1}`, faultAtMs, clock.now());
    await t.target.restoreNode(t.fault, from, t.signal);
    return {
      type: 'trial',
      variantId: t.variantId,
      fault: t.fault,
      trial: t.trial,
      service: t.service.name,
      vip: t.service.vip,
      fromNode: from,
      toNode: t.target.nodeNames[1] ?? null,
      faultAtMs,
      lastGoodBeforeMs: faultAtMs - 50,
      firstGoodAfterMs: faultAtMs + 1500,
      outageMs: 1550,
      takeoverMs: 1200,
      arpConvergenceMs: 300,
      dualAnsweringMs: 0,
      probesSent: 30,
      probesFailed: 1,
    };
  }
}

/** One fake cluster. Its lease counter grows by one update per announced service every 2 s while agents announce. */
export class FakeBenchTarget implements BenchTarget {
  readonly backend: ResolvedScenario['backend'];
  readonly workDir = '/nonexistent/l2b-fake';
  readonly nodeNames: readonly string[];
  readonly events = new AnnouncerEventLog();
  readonly services: DeployedService[] = [];
  readonly metrics: MetricsEndpoints;
  agentsRunning = false;
  announcing = true;
  disposed = false;
  #leaseUpdates = 0;
  #leaseGets = 0;
  /** k6's PUTs (the agents' own writes are counted as UPDATE above). */
  #leasePuts = 0;
  /** k6's fixed-rate load while a calibration window's load runs. */
  #load: { verb: LoadVerb; rate: number } | null = null;
  #countedToMs: number;

  constructor(
    private readonly backendOf: FakeBackend,
    readonly n: number,
    public scenario: ResolvedScenario,
  ) {
    this.backend = scenario.backend;
    const nodes = scenario.nodes.count + scenario.nodes.unselected.count;
    this.nodeNames = Array.from({ length: nodes }, (_, i) => `l2b-fake${n}-node-${i + 1}`);
    this.metrics = { apiserverUrl: `fake://t${n}`, apiserverTls: { ca: '' }, etcdUrl: `fake://t${n}/etcd` };
    this.#countedToMs = backendOf.o.clock.now();
    if (backendOf.o.canSwitchPolicy === false) delete this.setAnnouncing;
  }

  /** Logs `t<n> <step>` and gives the test its hook. */
  step(what: string): void {
    this.backendOf.log.push(`t${this.n} ${what}`);
    this.backendOf.o.onStep?.(what.split(' ')[0] ?? what, this);
  }

  kubeConfig(): KubeConfig {
    throw new Error('the fake target has no API server');
  }
  controlPlaneCpu(): SampledProcess[] {
    return [];
  }
  agentCpu(): SampledProcess[] {
    return [];
  }
  setAnnouncing?: (on: boolean) => Promise<void> = async (on) => {
    this.#count();
    this.announcing = on;
    this.step(`announcing ${on}`);
  };
  async startLeaseLoad(verb: LoadVerb, rate: number): Promise<LeaseLoad> {
    this.#count();
    this.#load = { verb, rate };
    this.step(`load ${verb} ${rate}`);
    return {
      running: true,
      stop: async () => {
        this.#count();
        this.#load = null;
      },
    };
  }
  async prepare(): Promise<void> {
    this.step('prepare');
  }
  async createServices(): Promise<void> {
    if (this.services.length === 0)
      for (const p of planServices(this.scenario))
        this.services.push({
          ...p,
          vip: null,
          leaseName: p.announced ? `l2b-${p.name}` : null,
          leaseNamespace: p.namespace,
        });
    this.step(`services ${this.services.filter((x) => x.announced).length}`);
  }
  async waitForAddresses(): Promise<void> {
    const error = this.backendOf.o.addressError?.(this.scenario);
    if (error) throw new BackendError(error);
    this.services.forEach((x, i) => {
      if (x.announced && !x.vip) x.vip = `198.18.${100 + this.n}.${10 + i}`;
    });
  }
  async reconfigure(next: ResolvedScenario): Promise<{ servicesKept: boolean }> {
    assertSameClusterShape(`fake target t${this.n}`, this.scenario, next);
    this.#count();
    this.agentsRunning = false;
    const servicesKept = next.services.announced === this.scenario.services.announced;
    if (!servicesKept) this.services.length = 0;
    this.scenario = next;
    this.step(`reconfigure services=${next.services.announced}`);
    return { servicesKept };
  }
  async startAllAgents(): Promise<void> {
    this.#count();
    this.agentsRunning = true;
    this.step('agents start');
  }
  async stopAllAgents(): Promise<void> {
    this.#count();
    this.agentsRunning = false;
    this.step('agents stop');
  }
  async waitUntilAllAnswer(_vips: readonly string[], timeoutMs: number, signal?: AbortSignal) {
    const ms = this.backendOf.o.announceMs?.(this.scenario) ?? 1500;
    const clock = this.backendOf.o.clock;
    await clock.sleep(Math.min(ms, timeoutMs), signal);
    return ms <= timeoutMs ? ms : null;
  }
  async startProbes(_spec: ProbeSpec): Promise<RunningProbes> {
    throw new Error('the fake target runs no probes (trials go through the fake runTrial)');
  }
  async injectFault(fault: FaultKind, node: string): Promise<void> {
    this.step(`fault ${fault} ${node}`);
  }
  async restoreNode(fault: FaultKind, node: string): Promise<void> {
    this.step(`restore ${fault} ${node}`);
  }
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.backendOf.live--;
    this.step('dispose');
  }

  /** kube-apiserver's and etcd's metrics as the fake counts them, at the fake clock's now. */
  scrape(): { apiserver: Scrape; etcd: Scrape } {
    this.#count();
    this.step('scrape');
    const now = this.backendOf.o.clock.now();
    const code = this.backendOf.o.leaseCode?.(this.scenario) ?? '200';
    const updates = Math.round(this.#leaseUpdates);
    const gets = Math.round(this.#leaseGets);
    return {
      apiserver: parseScrape(
        `apiserver_request_total{resource="leases",verb="UPDATE",code="${code}"} ${updates}\n` +
          `apiserver_request_total{resource="leases",verb="GET",code="200"} ${gets}\n` +
          `apiserver_request_total{resource="leases",verb="PUT",code="200"} ${Math.round(this.#leasePuts)}\n`,
        now,
      ),
      etcd: parseScrape(
        `etcd_server_proposals_committed_total ${updates + Math.round(this.#leasePuts)}\n`,
        now,
      ),
    };
  }

  /** Adds the lease updates since the last count at the current rate. */
  #count(): void {
    const now = this.backendOf.o.clock.now();
    const perSecond =
      this.agentsRunning && this.announcing ? this.services.filter((x) => x.announced).length / 2 : 0;
    const seconds = (now - this.#countedToMs) / 1000;
    this.#leaseUpdates += perSecond * seconds;
    if (this.#load?.verb === 'PUT') this.#leasePuts += this.#load.rate * seconds;
    if (this.#load?.verb === 'GET') this.#leaseGets += this.#load.rate * seconds;
    this.#countedToMs = now;
  }
}

function fakeEnvironment(backend: string): Environment {
  return {
    hostname: 'fake',
    cpuModel: 'fake',
    cores: 2,
    memoryBytes: 24 * 2 ** 30,
    kernel: 'fake',
    node: process.version,
    l2benchVersion: '0.0.0',
    backend,
    tools: [],
  };
}
