import { z } from 'zod';

/**
 * The results format: the single source of truth shared by the runner (writer) and reports (reader).
 *
 * A run directory `results/<stamp>-<scenario>/` holds:
 * - `scenario.yaml`     the resolved scenario (defaults filled in)
 * - `environment.json`  {@link Environment}
 * - `samples.jsonl`     one {@link SampleLine} per line, appended as measured (crash-safe)
 * - `summary.json`      {@link Summary}, rewritten after every variant
 */

/** A median with its 95% bootstrap interval over `n` repetitions (lo = hi = median when n = 1). */
export const Interval = z.object({
  median: z.number(),
  lo: z.number(),
  hi: z.number(),
  n: z.number().int().nonnegative(),
});
export type Interval = z.infer<typeof Interval>;

export const PhaseName = z.enum(['baseline', 'announce', 'warmup', 'fault', 'setup']);
export const FaultKind = z.enum(['crash', 'freeze', 'partition', 'graceful']);
export type FaultKind = z.infer<typeof FaultKind>;
/** `control-plane`: a whole control-plane container's cgroup (docker backend), next to its processes. */
export const ProcessRole = z.enum([
  'kube-apiserver',
  'etcd',
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

/** One measured window (baseline or announce) of one repetition of one variant. */
export const WindowRecord = z.object({
  type: z.literal('window'),
  variantId: z.string(),
  repetition: z.number().int().nonnegative(),
  phase: z.enum(['baseline', 'announce']),
  startMs: z.number(),
  endMs: z.number(),
  cpuMillicores: z.object({
    apiserver: z.number(),
    etcd: z.number(),
    controlPlane: z.number(),
    /** The control-plane container's cgroup (docker backend): its processes plus the supervisor. */
    controlPlaneContainer: z.number().optional(),
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
});
export type WindowRecord = z.infer<typeof WindowRecord>;

/** One failover trial: a fault injected into the node holding `vip`. Times are epoch ms. */
export const TrialRecord = z.object({
  type: z.literal('trial'),
  variantId: z.string(),
  fault: FaultKind,
  trial: z.number().int().nonnegative(),
  service: z.string(),
  vip: z.string(),
  fromNode: z.string(),
  toNode: z.string().nullable(),
  faultAtMs: z.number(),
  /** Last good probe answered by `fromNode` before the fault (null if none seen). */
  lastGoodBeforeMs: z.number().nullable(),
  /** First good probe answered by a different node after the fault. */
  firstGoodAfterMs: z.number().nullable(),
  /** Outage seen by the probes: firstGoodAfter − lastGoodBefore; null when service never came back. */
  outageMs: z.number().nullable(),
  /** Lease takeover: the new holder's acquireTime − faultAt. */
  takeoverMs: z.number().nullable(),
  /** ARP convergence: first good probe from the new node − its bind time. */
  arpConvergenceMs: z.number().nullable(),
  /** Total time during which two nodes answered probes for this VIP (0 = never). */
  dualAnsweringMs: z.number(),
  probesSent: z.number().int(),
  probesFailed: z.number().int(),
});
export type TrialRecord = z.infer<typeof TrialRecord>;

export const SampleLine = z.discriminatedUnion('type', [CpuSample, PhaseSpan, WindowRecord, TrialRecord]);
export type SampleLine = z.infer<typeof SampleLine>;

export const Environment = z.object({
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
  /** bundled, kube-vip, or `kube-vip <mode>` for a kube-vip mode other than per-service. */
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
  }),
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
  failover: z.array(
    z.object({
      fault: FaultKind,
      outageMs: Percentiles,
      takeoverMs: Percentiles,
      arpConvergenceMs: Percentiles,
      dualAnsweringTrials: z.number().int(),
      failedTrials: z.number().int(),
    }),
  ),
  notes: z.array(z.string()),
});
export type VariantSummary = z.infer<typeof VariantSummary>;

export const Summary = z.object({
  formatVersion: z.literal(1),
  runId: z.string(),
  scenario: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  complete: z.boolean(),
  coresK: z.number().int(),
  environment: Environment,
  variants: z.array(VariantSummary),
});
export type Summary = z.infer<typeof Summary>;
