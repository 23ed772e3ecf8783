import { z } from 'zod';
import { DURATION_PATTERN, parseDurationMs } from './duration.js';
import { FaultKind } from './fault-kind.js';
import { StrategySchema } from './strategy-schema.js';

/** Most nodes one scenario may ask for: the local backend's /20 per run leaves room for more, CPU does not. */
export const MAX_NODES = 100;

const DURATION_HINT = 'is not a duration: write a number or a string like "15s", "500ms", "0.25s"';

/** Milliseconds: a number (ms) or a duration string, normalized to whole milliseconds. */
function durationMs(minMs: number, maxMs: number) {
  return z
    .union([z.number(), z.string().regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT })])
    .transform((value) => (typeof value === 'number' ? value : (parseDurationMs(value) ?? Number.NaN)))
    .pipe(z.number().int().min(minMs).max(maxMs));
}

/** Seconds: a number (s) or a duration string, normalized to (possibly fractional) seconds. */
function durationSeconds(minSeconds: number, maxSeconds: number) {
  return z
    .union([z.number(), z.string().regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT })])
    .transform((value) => (typeof value === 'number' ? value : (parseDurationMs(value) ?? Number.NaN) / 1000))
    .pipe(z.number().min(minSeconds).max(maxSeconds));
}

// Kubernetes label syntax (apimachinery validation.IsQualifiedName / IsValidLabelValue).
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const Labels = z.record(
  z.string().regex(LABEL_KEY, { error: 'is not a Kubernetes label key' }),
  z.string().regex(LABEL_VALUE, { error: 'is not a Kubernetes label value' }),
);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const Port = z.number().int().min(1).max(65535);

const Nodes = z.strictObject({
  count: z
    .number()
    .int()
    .min(1)
    .max(MAX_NODES)
    .describe('Nodes the announcement policy selects (candidates).'),
  labels: Labels.default({ 'homelab/role': 'worker' }).describe(
    "Labels of selected nodes; the policy's nodeSelector.",
  ),
  unselected: z
    .strictObject({
      count: z.number().int().min(0).max(MAX_NODES).default(0),
      labels: Labels.default({ 'homelab/role': 'control-plane' }),
    })
    .prefault({})
    .describe('Nodes that run the agent but do not match the nodeSelector.'),
});

const Services = z.strictObject({
  announced: z.number().int().min(0).max(5000).describe('LoadBalancer services carrying the policy label.'),
  clusterIP: z.number().int().min(0).max(5000).default(0).describe('Unlabelled ClusterIP services.'),
  unannounced: z
    .number()
    .int()
    .min(0)
    .max(5000)
    .default(0)
    .describe('LoadBalancer services without the label.'),
  labels: Labels.default({ 'homelab/public-service': 'true' }).describe("The policy's serviceSelector."),
  namespace: z
    .string()
    .regex(DNS_LABEL, { error: 'is not a Kubernetes namespace name' })
    .max(63)
    .default('default'),
  echo: z.strictObject({ port: Port.default(80), targetPort: Port.default(8080) }).prefault({}),
  sharedAddress: z
    .boolean()
    .default(false)
    .describe(
      "Pairs of announced services share one VIP through Cilium's sharing key (lbipam.cilium.io/sharing-key), as in cilium/cilium#48419.",
    ),
});

const Pool = z
  .strictObject({ cidr: z.cidrv4().optional(), start: z.ipv4().optional(), stop: z.ipv4().optional() })
  .describe(
    'VIP pool (CiliumLoadBalancerIPPool block): cidr, or start and stop. Unset: the backend default.',
  );

const Announcer = z.strictObject({
  implementation: z
    .enum(['bundled', 'kube-vip', 'metallb'])
    .default('bundled')
    .describe(
      'bundled: the agent in announcer/; kube-vip: the real kube-vip v1.0.0; metallb: the real MetalLB v0.15.2 in L2 mode (memberlist and a hash decide, no Lease; the lease timers do not apply to it).',
    ),
  strategy: StrategySchema.default({ kind: 'per-service' }).describe(
    'Election strategy: per-service (Cilium), per-service-watch, sharded:K or node-lease; a map {kind, shards} or the one-word form.',
  ),
  leaseDurationMs: durationMs(100, 600_000).default(15_000).describe('Default 15000 (Cilium 15s).'),
  renewDeadlineMs: durationMs(1, 600_000).default(5_000).describe('Default 5000 (Cilium 5s).'),
  retryPeriodMs: durationMs(1, 600_000).default(2_000).describe('Default 2000 (Cilium 2s).'),
  renewMode: z
    .enum(['get-then-update', 'update-first'])
    .default('get-then-update')
    .describe('get-then-update: client-go before 0.30 (Cilium 1.14); update-first: client-go 0.30+.'),
  selection: z
    .enum(['policy', 'all-services'])
    .default('policy')
    .describe('all-services reproduces the Cilium bug that elected a Lease for every service.'),
  leaseNameStyle: z.enum(['cilium', 'kube-vip']).default('cilium'),
  stepDown: z
    .enum(['on-observe', 'renew-deadline'])
    .default('on-observe')
    .describe(
      "Bundled agent: unbind a VIP as soon as another holder of its Lease is observed (on-observe), or only when client-go's renew deadline runs out (renew-deadline, Cilium's and kube-vip's behaviour).",
    ),
  onApiOutage: z
    .enum(['release', 'keep'])
    .default('release')
    .describe(
      'Bundled agent: when the API server is unreachable past the renew deadline, drop the VIPs (release, as client-go) or keep announcing while no other holder is observed (keep).',
    ),
  sharedAddressElection: z
    .enum(['per-service', 'per-address'])
    .default('per-address')
    .describe(
      "Bundled agent: services sharing one address elect one holder per address (per-address), or each its own (per-service, Cilium's behaviour, cilium/cilium#48419).",
    ),
  kubeVipMode: z
    .enum(['per-service', 'services-lease'])
    .default('per-service')
    .describe(
      'implementation kube-vip only. per-service: svc_election, one Lease kubevip-<service> per service; services-lease: one Lease (svc_leasename) whose holder announces every service.',
    ),
});

const Measurement = z.strictObject({
  warmupSeconds: durationSeconds(0, 3600).default(20).describe('Default 20.'),
  windowSeconds: durationSeconds(1, 3600).default(60).describe('Default 60.'),
  repetitions: z.number().int().min(1).max(50).default(3),
  baseline: z
    .boolean()
    .default(true)
    .describe('Measure a window without announcers before each announce window.'),
  idle: z
    .boolean()
    .default(true)
    .describe(
      "Measure a window after each announce window with the same agents running and the policy selecting no service (the seed's reference: overhead = announce − idle). Backends that cannot switch the policy skip it.",
    ),
  sampleHz: z.number().gt(0).max(10).default(1),
  calibration: z
    .strictObject({
      getPerSecond: z.array(z.number().gt(0).max(500)).max(6).default([]),
      putPerSecond: z.array(z.number().gt(0).max(500)).max(6).default([]),
      warmupSeconds: durationSeconds(0, 60)
        .default(5)
        .describe('k6 load before each calibration window opens.'),
    })
    .prefault({})
    .describe(
      "In-run calibration (local backend): after each idle window, one window per rate of pure Lease GETs or PUTs from k6 with the agents' identity, on the same cluster with the same idle agents. The summary fits CPU-ms per request by verb over these and the idle windows, and predicts announce − idle from the model's rates.",
    ),
  stopOnSaturation: z
    .boolean()
    .default(false)
    .describe(
      'Stop the sweep after the first variant that saturates: overhead above 50% of the node, lease requests answered 429/5xx, or VIPs not announced within one window.',
    ),
});

const Faults = z.strictObject({
  kinds: z.array(FaultKind).default([]),
  trialsPerKind: z.number().int().min(1).max(50).default(3),
  freezeSeconds: durationSeconds(0.1, 600)
    .optional()
    .describe('SIGSTOP length; unset: leaseDuration + 5 s, resolved per variant.'),
  partitionSeconds: durationSeconds(0.1, 600)
    .optional()
    .describe('Partition length; unset: leaseDuration + 5 s, resolved per variant.'),
  controlPlaneOutageSeconds: durationSeconds(0.1, 600)
    .default(30)
    .describe('control-plane-outage: how long the nodes cannot reach kube-apiserver. Default 30.'),
  settleSeconds: durationSeconds(0, 600).default(10).describe('Pause after each trial. Default 10.'),
});

const Probes = z.strictObject({
  ratePerSecond: z.number().gt(0).max(200).default(20).describe('Probes per second per VIP (at most 200).'),
  timeoutMs: durationMs(1, 10_000).default(200).describe('Default 200.'),
  maxDurationSeconds: durationSeconds(1, 600)
    .default(120)
    .describe('Longest probe run per trial. Default 120.'),
});

/** A swept value: the scalars a `params` record of results can hold. */
export const SweepValue = z.union([z.string(), z.number(), z.boolean()]);
export type SweepValue = z.infer<typeof SweepValue>;

/** The scenario's fields before the cross-field rules; walked by sweep-path checks and error hints. */
export const ScenarioFields = z.strictObject({
  name: z.string().regex(DNS_LABEL, { error: 'must be lowercase letters, digits and dashes' }).max(63),
  description: z.string().default(''),
  backend: z.enum(['local', 'kind', 'cluster', 'docker']).default('local'),
  coresK: z.number().int().min(1).max(1024).default(4).describe('Report CPU as % of a K-core node.'),
  controlPlaneCpus: z
    .number()
    .gt(0)
    .max(1024)
    .optional()
    .describe(
      'docker backend: CPU limit of the control-plane container (docker run --cpus), e.g. 4 to reproduce a 4-core control-plane node. Unset: no limit.',
    ),
  nodes: Nodes,
  services: Services,
  pool: Pool.optional(),
  announcer: Announcer.prefault({}),
  measurement: Measurement.prefault({}),
  faults: Faults.prefault({}),
  probes: Probes.prefault({}),
  sweep: z
    .record(z.string(), z.array(SweepValue))
    .default({})
    .describe('Dotted scenario path → values, e.g. {"services.announced": [1, 5]}.'),
  sweepMode: z.enum(['cross', 'zip']).default('cross'),
  quickSweep: z
    .record(z.string(), z.array(SweepValue))
    .optional()
    .describe('With --quick: the sweep to run instead of `sweep` (a smaller one); unset: `sweep`.'),
  question: z
    .string()
    .optional()
    .describe('The question the scenario answers; the report opens with it and the measured answer.'),
  reference: z
    .strictObject({
      source: z.string().min(1).describe('Who measured the reference figure, e.g. "the seed post".'),
      controlPlaneOverheadMillicores: z
        .number()
        .nonnegative()
        .describe('The control-plane CPU overhead they saw, in mCPU.'),
      setup: z.string().min(1).describe('What they measured it on, e.g. "5 services on 3 nodes".'),
      variant: z
        .record(z.string(), SweepValue)
        .default({})
        .describe(
          'Swept parameters of the variant that reproduces their setup, by dotted path (e.g. services.announced: 5); empty: the only variant.',
        ),
    })
    .optional()
    .describe("A figure measured elsewhere that the report sets beside this run's."),
  thresholds: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Gates checked on every variant after the run, as `run --fail-if` takes them, e.g. 'cpu.overhead.pct < 2', 'failover.crash.p95 < 20s', 'requests.rel_error < 10%', 'dualAnswering == 0'. A breach makes `run` exit 99.",
    ),
});

/** The scenario's fields as parsed, before the cross-field rules. */
export type ScenarioFieldsOutput = z.output<typeof ScenarioFields>;

/** A validated scenario with defaults filled in (the rules in scenario-rules.ts refine values, not the type). `faults.freezeSeconds`/`partitionSeconds` may be unset. */
export type Scenario = ScenarioFieldsOutput;
/** What authors may write (durations as strings, defaults omitted). */
export type ScenarioInput = z.input<typeof ScenarioFields>;

/** A scenario whose derived defaults are filled: what one variant runs. */
export type ResolvedScenario = Scenario & {
  faults: Scenario['faults'] & { freezeSeconds: number; partitionSeconds: number };
};

/**
 * Fills defaults that depend on other fields. Kept out of the schema so a sweep over
 * `announcer.leaseDurationMs` moves the fault lengths with it.
 */
export function resolveScenario(scenario: Scenario): ResolvedScenario {
  // A fault must outlast the lease or no failover happens; 5 s more lets the takeover settle.
  const derivedSeconds = (scenario.announcer.leaseDurationMs + 5000) / 1000;
  return {
    ...scenario,
    faults: {
      ...scenario.faults,
      freezeSeconds: scenario.faults.freezeSeconds ?? derivedSeconds,
      partitionSeconds: scenario.faults.partitionSeconds ?? derivedSeconds,
    },
  };
}
