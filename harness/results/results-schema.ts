import { z } from 'zod';
import { FAULT_KINDS, FaultKind } from '../scenario/fault-kind.js';
import { TrialRecord } from './trial-record.js';

/** Re-exported: reports read fault kinds from the results contract. */
export { FAULT_KINDS, FaultKind };

/**
 * The results format: the single source of truth shared by the runner (writer) and reports (reader).
 *
 * A run directory `results/<stamp>-<scenario>/` holds:
 * - `scenario.yaml`     the resolved scenario (defaults filled in)
 * - `environment.json`  {@link Environment}
 * - `samples.jsonl`     a {@link SamplesHeader} line, then one {@link SampleLine} per line,
 *                       appended as measured (crash-safe)
 * - `summary.json`      {@link Summary}, rewritten after every variant
 * - `metrics.om`        the summary as OpenMetrics (reports/export-metrics.ts)
 *
 * Every JSON file carries `formatVersion`; files written before it had none and read as version 1.
 */

/** The format version this code writes and reads. */
export const FORMAT_VERSION = 1;

/** `formatVersion` of a file: absent in files written before it existed, which are version 1. */
const FormatVersion = z.literal(FORMAT_VERSION).default(FORMAT_VERSION);

/** The first line of samples.jsonl: the layout version of the lines after it. */
export const SamplesHeader = z.object({
  type: z.literal('format'),
  formatVersion: z.literal(FORMAT_VERSION),
});
export type SamplesHeader = z.infer<typeof SamplesHeader>;

/** A median with its 95% bootstrap interval over `n` repetitions (lo = hi = median when n = 1). */
export const Interval = z.object({
  median: z.number(),
  lo: z.number(),
  hi: z.number(),
  n: z.number().int().nonnegative(),
});
export type Interval = z.infer<typeof Interval>;

export const PhaseName = z.enum(['baseline', 'idle', 'announce', 'calibration', 'warmup', 'fault', 'setup']);
/** A least-squares estimate with its 95% bootstrap interval. */
export const FittedCost = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });
/**
 * Measured windows: `baseline` without agents, `idle` with the agents running and no service
 * selected by the announcement policy (the seed's reference), `announce` with every service,
 * `calibration` the idle agents plus k6's fixed-rate Lease load (measurement.calibration).
 */
export const WindowPhase = z.enum(['baseline', 'idle', 'announce', 'calibration']);
export type WindowPhase = z.infer<typeof WindowPhase>;
/** `control-plane`: a whole control-plane container's cgroup (docker backend), next to its processes. */
export const ProcessRole = z.enum([
  'kube-apiserver',
  'etcd',
  'kube-controller-manager',
  'kube-scheduler',
  'control-plane',
  'announcer',
  'harness',
  'k6',
  'echo',
]);

/** 1 Hz CPU sample of one process (cumulative CPU seconds of all its threads, from /proc or a cgroup). */
export const CpuSample = z.object({
  type: z.literal('cpu'),
  variantId: z.string(),
  tMs: z.number(),
  role: ProcessRole,
  node: z.string().optional(),
  cpuSeconds: z.number(),
  rssBytes: z.number(),
});

/** A span of the run's timeline (reports shade these on the CPU time series). */
export const PhaseSpan = z.object({
  type: z.literal('phase'),
  variantId: z.string(),
  phase: PhaseName,
  label: z.string(),
  repetition: z.number().int().optional(),
  startMs: z.number(),
  endMs: z.number(),
});

/** One request-rate figure taken from `apiserver_request_total{resource="leases"}` deltas. */
export const RequestRate = z.object({ verb: z.string(), code: z.string(), perSecond: z.number() });

/** One API Priority and Fairness priority level over a window (harness/measure/apf-metrics.ts). */
export const PriorityLevelWindow = z.object({
  priorityLevel: z.string(),
  dispatchedPerSecond: z.number(),
  rejected: z.number(),
  waitP99Seconds: z.number().nullable(),
  seatsInUse: z.number().nullable(),
  seatLimit: z.number().nullable(),
});

/** kube-controller-manager's or kube-scheduler's leader election over a window. */
export const ComponentLeaseWindow = z.object({
  name: z.string(),
  renewals: z.number().int(),
  maxRenewGapMs: z.number().nullable(),
  holderChanges: z.number().int(),
  heldAtEnd: z.boolean(),
});

/** One measured window (baseline, idle or announce) of one repetition of one variant. */
export const WindowRecord = z.object({
  type: z.literal('window'),
  variantId: z.string(),
  repetition: z.number().int().nonnegative(),
  phase: WindowPhase,
  /** `calibration` windows: the fixed-rate Lease load k6 drove over the idle agents. */
  load: z.object({ verb: z.enum(['GET', 'PUT']), targetPerSecond: z.number() }).optional(),
  startMs: z.number(),
  endMs: z.number(),
  cpuMillicores: z.object({
    apiserver: z.number(),
    etcd: z.number(),
    controlPlane: z.number(),
    /** The control-plane container's cgroup (docker backend): its processes plus the supervisor. */
    controlPlaneContainer: z.number().optional(),
    /** Where the backend runs them (local): not part of `controlPlane`, which stays apiserver + etcd. */
    controllerManager: z.number().optional(),
    scheduler: z.number().optional(),
    announcers: z.number(),
    harness: z.number(),
  }),
  leaseRequests: z.array(RequestRate),
  etcd: z.object({
    writesPerSecond: z.number().nullable(),
    fsyncsPerSecond: z.number().nullable(),
    dbSizeGrowthBytes: z.number().nullable(),
  }),
  announcerRssBytes: z.number().nullable(),
  /** Each agent's CPU over the window and RSS (VmRSS, the larger of the two edges); absent in older runs. */
  agents: z.array(z.object({ node: z.string(), cpuMillicores: z.number(), rssBytes: z.number() })).optional(),
  /** APF per priority level and dispatches per FlowSchema; absent before they were recorded. */
  apf: z
    .object({
      levels: z.array(PriorityLevelWindow),
      flowSchemas: z.array(
        z.object({ flowSchema: z.string(), priorityLevel: z.string(), dispatchedPerSecond: z.number() }),
      ),
    })
    .optional(),
  /** Leader election of the control-plane components, where the backend runs them. */
  controlPlaneLeases: z.array(ComponentLeaseWindow).optional(),
});
export type WindowRecord = z.infer<typeof WindowRecord>;

/** Re-exported: the trial line lives in its own module (trial-record.ts). */
export { TrialRecord };

export const SampleLine = z.discriminatedUnion('type', [CpuSample, PhaseSpan, WindowRecord, TrialRecord]);
export type SampleLine = z.infer<typeof SampleLine>;

export const Environment = z.object({
  /** Optional in the type so callers need not set it; the writer always writes it. */
  formatVersion: z.literal(FORMAT_VERSION).optional(),
  hostname: z.string(),
  cpuModel: z.string(),
  cores: z.number().int(),
  memoryBytes: z.number(),
  kernel: z.string(),
  node: z.string(),
  l2benchVersion: z.string(),
  backend: z.string(),
  tools: z.array(z.object({ name: z.string(), version: z.string(), path: z.string(), reported: z.string() })),
  /** Clusters that ran at once (`--parallel`); absent when one ran at a time. */
  parallelClusters: z.number().int().min(2).optional(),
});
export type Environment = z.infer<typeof Environment>;

const Percentiles = z.object({
  n: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  values: z.array(z.number()),
});

export const VariantSummary = z.object({
  id: z.string(),
  label: z.string(),
  /** The swept parameters of this variant, by dotted scenario path (e.g. `services.announced`). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  nodes: z.number().int(),
  selectedNodes: z.number().int(),
  announcedServices: z.number().int(),
  implementation: z.string(),
  strategy: z.string(),
  renewMode: z.string(),
  selection: z.string(),
  leaseDurationMs: z.number(),
  renewDeadlineMs: z.number(),
  retryPeriodMs: z.number(),
  windowSeconds: z.number(),
  repetitions: z.number().int(),
  /** Time from creating services until every VIP answered a probe. */
  announceTimeMs: z.number().nullable(),
  cpu: z.object({
    baselineMillicores: Interval,
    announceMillicores: Interval,
    /** Paired differences announce − baseline of kube-apiserver + etcd, per repetition. */
    controlPlaneOverheadMillicores: Interval,
    apiserverOverheadMillicores: Interval,
    etcdOverheadMillicores: Interval,
    /** Overhead as % of a K-core node (K = `coresK`), the seed's unit. */
    controlPlaneOverheadPctOfNode: Interval,
    announcersMillicores: Interval,
    harnessMillicores: Interval,
    /**
     * The seed's definition, the primary figure where idle windows ran: announce − idle of
     * kube-apiserver + etcd per repetition (the same agents running, no service selected).
     */
    overheadVsIdleMillicores: Interval.optional(),
    overheadVsIdlePctOfNode: Interval.optional(),
    apiserverOverheadVsIdleMillicores: Interval.optional(),
    etcdOverheadVsIdleMillicores: Interval.optional(),
    /** "Agents present, idle": idle − baseline (their watches, lists, connections and own leases). */
    agentsIdleMillicores: Interval.optional(),
  }),
  /** Control-plane health: per-component CPU, APF per priority level, component leases, saturation. */
  controlPlane: z
    .object({
      componentsMillicores: z.array(
        z.object({ component: z.string(), phase: z.string(), millicores: Interval }),
      ),
      priorityLevels: z.array(
        z.object({
          priorityLevel: z.string(),
          dispatchedPerSecond: Interval,
          netDispatchedPerSecond: Interval,
          maxWaitP99Seconds: z.number().nullable(),
          rejected: z.number(),
          maxSeatsInUse: z.number().nullable(),
          seatLimit: z.number().nullable(),
        }),
      ),
      agentFlowSchemas: z.array(
        z.object({ flowSchema: z.string(), priorityLevel: z.string(), netDispatchedPerSecond: Interval }),
      ),
      leases: z.array(
        z.object({
          name: z.string(),
          renewals: z.number().int(),
          maxRenewGapMs: z.number().nullable(),
          holderChanges: z.number().int(),
          windowsNotHeld: z.number().int(),
        }),
      ),
      saturation: z.array(z.object({ signal: z.string(), firstWindowStartMs: z.number() })),
    })
    .optional(),
  requests: z.array(
    z.object({
      verb: z.string(),
      measuredPerSecond: Interval,
      modelPerSecond: z.number().nullable(),
      relativeError: z.number().nullable(),
    }),
  ),
  /**
   * All lease requests per second (every verb, per repetition, net of the baseline) against the
   * model's total: the figure strategies are compared on. Absent in summaries written before it.
   */
  requestsTotal: z
    .object({
      measuredPerSecond: Interval,
      modelPerSecond: z.number().nullable(),
      relativeError: z.number().nullable(),
    })
    .optional(),
  etcd: z.object({
    writesPerSecond: Interval.nullable(),
    fsyncsPerSecond: Interval.nullable(),
    dbSizeGrowthBytes: Interval.nullable(),
  }),
  /**
   * Per agent, pooled over the announce windows (one value per agent per window): RSS in bytes and
   * CPU in millicores. Absent when no window recorded agents (older runs, kube-vip without pids).
   */
  agentFootprint: z
    .object({
      agents: z.number().int(),
      rssBytes: z.object({ median: z.number(), max: z.number(), n: z.number().int() }),
      cpuMillicores: z.object({ median: z.number(), max: z.number(), n: z.number().int() }),
    })
    .optional(),
  failover: z.array(
    z.object({
      fault: FaultKind,
      outageMs: Percentiles,
      takeoverMs: Percentiles,
      arpConvergenceMs: Percentiles,
      dualAnsweringTrials: z.number().int(),
      /** Dual answering per trial (ms); absent in summaries written before it. */
      dualAnsweringMs: Percentiles.optional(),
      /** Trials whose figure came from the wire (the rest from probes). */
      dualAnsweringWireTrials: z.number().int().optional(),
      /** Dual answering after the fault was lifted, per wire trial (freeze, partition, control-plane-outage). */
      dualAnsweringAfterLiftMs: Percentiles.optional(),
      /** control-plane-outage: VIPs that stopped answering per trial, their longest silence, and answer-again time after the API server returned. */
      apiOutage: z
        .object({
          vipsSilent: Percentiles,
          silentMs: Percentiles,
          answeredAfterRestoreMs: Percentiles,
        })
        .optional(),
      failedTrials: z.number().int(),
    }),
  ),
  /** In-run calibration (measurement.calibration): unit costs fitted on this variant's cluster. */
  calibration: z
    .object({
      /** Load windows (k6 GET or PUT) and idle windows (the intercept) in the fit. */
      loadWindows: z.number().int(),
      idleWindows: z.number().int(),
      /** CPU-ms per request by verb, fitted with 95% bootstrap intervals. */
      apiserverMsPerRequest: z.record(z.string(), FittedCost),
      etcdMsPerRequest: z.record(z.string(), FittedCost),
      /** The model's service-Lease rates by verb (what announce − idle should add). */
      modelPerSecondVsIdle: z.record(z.string(), z.number()),
      /** Model rates × unit costs, kube-apiserver + etcd: the prediction of announce − idle. */
      predictedVsIdleMillicores: FittedCost,
      /** (predicted − measured) / measured of announce − idle, percent; null without idle pairs. */
      errorPct: z.number().nullable(),
      /** The fit as a calibration.json beside the summary, for `l2bench predict`. */
      file: z.string(),
    })
    .optional(),
  notes: z.array(z.string()),
});
export type VariantSummary = z.infer<typeof VariantSummary>;

/** A figure measured elsewhere (the scenario's `reference`), which the report sets beside the run's. */
export const Reference = z.object({
  source: z.string(),
  controlPlaneOverheadMillicores: z.number(),
  setup: z.string(),
  /** Swept parameters of the variant that reproduces the reference setup; empty: the only variant. */
  variant: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type Reference = z.infer<typeof Reference>;

export const Summary = z.object({
  formatVersion: FormatVersion,
  runId: z.string(),
  scenario: z.string(),
  /** The scenario's `question`, when it has one. */
  question: z.string().optional(),
  reference: Reference.optional(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  complete: z.boolean(),
  coresK: z.number().int(),
  environment: Environment,
  variants: z.array(VariantSummary),
  /** The first variant in run order where a saturation signal fired, and which fired first. */
  firstSaturation: z
    .object({ variantId: z.string(), signal: z.string(), signals: z.array(z.string()) })
    .nullable()
    .optional(),
});
export type Summary = z.infer<typeof Summary>;
