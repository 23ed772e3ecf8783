import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ScenarioError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { DURATION_PATTERN, parseDurationMs } from './duration.js';
import { FaultKind } from './results-schema.js';
import { formatIssues } from './scenario-issues.js';
import { MAX_NODES, scenarioRules, UNSWEEPABLE_PATHS } from './scenario-rules.js';
import { scalarPaths } from './schema-path.js';
import { StrategySchema } from './strategy-schema.js';

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
});

const Pool = z
  .strictObject({ cidr: z.cidrv4().optional(), start: z.ipv4().optional(), stop: z.ipv4().optional() })
  .describe(
    'VIP pool (CiliumLoadBalancerIPPool block): cidr, or start and stop. Unset: the backend default.',
  );

const Announcer = z.strictObject({
  implementation: z.enum(['bundled', 'kube-vip']).default('bundled'),
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
  sampleHz: z.number().gt(0).max(10).default(1),
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
});

/** The scenario's fields as parsed, before the cross-field rules. */
export type ScenarioFieldsOutput = z.output<typeof ScenarioFields>;

/** The scenario file format. Cross-field rules live in scenario-rules.ts. */
export const ScenarioSchema = ScenarioFields.superRefine(
  (scenario, ctx) => scenarioRules(scenario, ctx, ScenarioFields),
  {
    // Rules compare fields, so they need every field valid; out-of-range values would repeat as rule errors.
    when: (payload) => payload.issues.length === 0,
  },
);

/** A validated scenario with defaults filled in. `faults.freezeSeconds`/`partitionSeconds` may be unset. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What authors may write (durations as strings, defaults omitted). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

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

/** Validates an already-parsed document; throws one ScenarioError naming `source`. */
export function validateScenario(document: unknown, source: string): Scenario {
  const result = ScenarioSchema.safeParse(document, { reportInput: true });
  if (!result.success) throw new ScenarioError(formatIssues(source, result.error.issues, ScenarioFields));
  return result.data;
}

/**
 * Parses scenario YAML. Throws one ScenarioError with a single-line message:
 * `<source>: <first problem, its value and the fix> (+N more)`.
 */
export function parseScenario(text: string, source: string): Scenario {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const where = yamlError.linePos?.[0];
    const at = where ? `:${where.line}:${where.col}` : '';
    // prettyErrors adds " at line L, column C:" and a code excerpt; the position is already in `at`.
    const firstLine = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:$/, '');
    throw new ScenarioError(`${source}${at}: invalid YAML: ${firstLine}`, { cause: yamlError });
  }
  const document: unknown = doc.toJS();
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ScenarioError(
      `${source}: a scenario must be a YAML map with at least name, nodes and services`,
    );
  }
  return validateScenario(document, source);
}

/** Directory of the bundled scenarios. */
export const scenariosDir: string = join(repoRoot, 'scenarios');

/**
 * Reads and parses a scenario: a path (anything with a `/` or a `.yaml`/`.yml` suffix) or the
 * bare name of a bundled scenario (`seed-homelab` → `scenarios/seed-homelab.yaml`).
 */
export async function loadScenario(pathOrBundledName: string): Promise<Scenario> {
  const isPath = pathOrBundledName.includes('/') || /\.ya?ml$/.test(pathOrBundledName);
  const file = isPath ? resolve(pathOrBundledName) : join(scenariosDir, `${pathOrBundledName}.yaml`);
  const rel = relative(process.cwd(), file);
  const source = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const hint = isPath
      ? ''
      : ` (a bundled name: the file ${join('scenarios', `${pathOrBundledName}.yaml`)})`;
    throw new ScenarioError(`cannot read scenario ${pathOrBundledName}${hint}: ${code}`, { cause: err });
  }
  return parseScenario(text, source);
}

/**
 * `--quick`: the same scenario with short windows and one trial per fault kind, for a smoke run,
 * and the scenario's `quickSweep` (a smaller sweep) in place of `sweep` when it has one.
 * Only shrinks (a scenario already shorter keeps its values) and re-validates. Probe limits stay:
 * they bound a trial, they do not set its length.
 */
export function quickScenario(scenario: Scenario): Scenario {
  const quick = {
    ...scenario,
    ...(scenario.quickSweep ? { sweep: scenario.quickSweep } : {}),
    measurement: {
      ...scenario.measurement,
      warmupSeconds: Math.min(scenario.measurement.warmupSeconds, 5),
      // Never shorter than two retry periods, which the rules require to see steady traffic; 16 s
      // rather than 15 s: a whole number of the usual renew periods (0.5, 1, 2, 4 s), so in-phase
      // renewals do not alias (harness/run/window-aliasing.ts).
      windowSeconds: Math.min(
        scenario.measurement.windowSeconds,
        Math.max(16, (2 * scenario.announcer.retryPeriodMs) / 1000),
      ),
      repetitions: Math.min(scenario.measurement.repetitions, 2),
    },
    faults: {
      ...scenario.faults,
      trialsPerKind: 1,
      settleSeconds: Math.min(scenario.faults.settleSeconds, 5),
    },
  };
  return validateScenario(quick, `${scenario.name} (--quick)`);
}

/** The dotted paths a sweep may vary: every scalar field except name, sweep and sweepMode. */
export function sweepablePaths(): string[] {
  return scalarPaths(ScenarioFields).filter((path) => !UNSWEEPABLE_PATHS.has(path));
}

/** The JSON Schema of the scenario file (input side: what editors should accept). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFields, { io: 'input', unrepresentable: 'any' });
  // Offer the sweepable paths to editors; zod cannot express "a key that is a path of this schema".
  const sweep = (schema.properties as Record<string, Record<string, unknown>> | undefined)?.sweep;
  if (sweep) sweep.propertyNames = { enum: sweepablePaths() };
  return {
    ...schema,
    title: 'l2bench scenario',
    description:
      'Generated from harness/run/scenario-schema.ts by scripts/write-scenario-schema.ts; do not edit. ' +
      'Cross-field rules (e.g. renewDeadline < leaseDuration) are checked by l2bench, not by this schema.',
  };
}
