import { RECONFIGURABLE_BACKENDS } from '../backends/bench-target.js';
import { leaseModelForScenario } from '../measure/analytic-model.js';
import { expandVariants } from '../scenario/expand-variants.js';
import { loadScenario, quickScenario } from '../scenario/scenario-file.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { strategyText } from '../scenario/strategy-schema.js';
import { estimateRun, formatSeconds } from './estimate-duration.js';
import { shapeGroups } from './shared-targets.js';

/** One variant as `plan` shows it. */
export interface PlannedVariant {
  id: string;
  label: string;
  /** 1-based index of the cluster (node shape) it runs on. */
  cluster: number;
  nodes: number;
  selectedNodes: number;
  announcedServices: number;
  strategy: string;
  /** Measured windows: repetitions × (baseline + announce), each `windowSeconds` long. */
  windows: number;
  windowSeconds: number;
  warmupSeconds: number;
  /** Failover trials: fault kinds × trials per kind. */
  trials: number;
  /** Seconds, its cluster's start (or reconfigure) included. */
  estimateSeconds: number;
  /** Modelled steady-state lease requests per second (service leases and the operator's). */
  model: { get: number; update: number; watch: number; total: number };
}

/** What `plan` and `run --dry-run` print: everything a run would do, and how long it would take. */
export interface RunPlan {
  scenario: string;
  description: string;
  backend: Scenario['backend'];
  quick: boolean;
  variants: PlannedVariant[];
  clusters: number;
  parallel: number;
  totalSeconds: number;
  thresholds: string[];
}

export interface PlanOptions {
  quick?: boolean;
  backend?: Scenario['backend'];
  parallel?: number;
  /** `--set path=value` overrides. */
  set?: readonly string[];
}

/**
 * Plans a run without starting anything: loads and validates the scenario as `run` does, expands
 * its sweep, groups variants by cluster shape, and estimates each variant and the whole run.
 * `parallel` is taken as asked (the runner may lower it to what memory allows).
 */
export async function planRun(scenarioArg: string, o: PlanOptions = {}): Promise<RunPlan> {
  let scenario = await loadScenario(scenarioArg, o.set);
  if (o.quick) scenario = quickScenario(scenario);
  if (o.backend) scenario = { ...scenario, backend: o.backend };
  return planScenario(scenario, scenarioArg, o);
}

/** {@link planRun} for a scenario already loaded. Pure. */
export function planScenario(scenario: Scenario, source: string, o: PlanOptions = {}): RunPlan {
  const variants = expandVariants(scenario, source);
  const groups = shapeGroups(variants);
  const parallel = Math.max(1, o.parallel ?? 1);
  const estimate = estimateRun(variants, parallel);
  const planned: PlannedVariant[] = groups.flatMap((group, g) =>
    group.map((v) => {
      const s = v.scenario;
      const m = leaseModelForScenario(s);
      return {
        id: v.id,
        label: v.label,
        cluster: g + 1,
        nodes: s.nodes.count + s.nodes.unselected.count,
        selectedNodes: s.nodes.count,
        announcedServices: s.services.announced,
        strategy: strategyText(s.announcer.strategy),
        windows: s.measurement.repetitions * (s.measurement.baseline ? 2 : 1),
        windowSeconds: s.measurement.windowSeconds,
        warmupSeconds: s.measurement.warmupSeconds,
        trials: s.faults.kinds.length * s.faults.trialsPerKind,
        estimateSeconds: estimate.variantSeconds.get(v.id) ?? 0,
        model: {
          get: m.getPerSecond,
          update: m.updatePerSecond,
          watch: m.watchPerSecond,
          total: m.getPerSecond + m.updatePerSecond + m.watchPerSecond,
        },
      };
    }),
  );
  // Sweep order for the reader, as results list them.
  planned.sort((a, b) => variants.findIndex((v) => v.id === a.id) - variants.findIndex((v) => v.id === b.id));
  return {
    scenario: scenario.name,
    description: scenario.description,
    backend: scenario.backend,
    quick: o.quick ?? false,
    variants: planned,
    clusters: estimate.clusters,
    parallel,
    totalSeconds: estimate.totalSeconds,
    thresholds: scenario.thresholds,
  };
}

const rate = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The plan as text: a header, one line per variant, the total. */
export function formatPlan(p: RunPlan): string {
  const lines = [
    `${p.scenario}${p.quick ? ' (--quick)' : ''} on ${p.backend}: ${p.variants.length} variant${p.variants.length === 1 ? '' : 's'} on ${p.clusters} cluster${p.clusters === 1 ? '' : 's'} (${RECONFIGURABLE_BACKENDS.has(p.backend) ? 'one per node shape' : `one per variant: ${p.backend} cannot reconfigure a cluster`})${p.parallel > 1 ? `, up to ${p.parallel} at once` : ''}`,
  ];
  if (p.description) lines.push(`  ${firstSentence(p.description)}`);
  lines.push('');
  const header = [
    'variant',
    'cluster',
    'nodes',
    'services',
    'strategy',
    'windows',
    'trials',
    'lease req/s (model)',
    'estimate',
  ];
  const rows = p.variants.map((v) => [
    `${v.id} (${v.label})`,
    `#${v.cluster}`,
    v.selectedNodes === v.nodes ? String(v.nodes) : `${v.selectedNodes} of ${v.nodes}`,
    String(v.announcedServices),
    v.strategy,
    `${v.windows} × ${v.windowSeconds}s`,
    String(v.trials),
    `${rate(v.model.total)} (get ${rate(v.model.get)}, update ${rate(v.model.update)}${v.model.watch > 0 ? `, watch ${rate(v.model.watch)}` : ''})`,
    formatSeconds(v.estimateSeconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [header, ...rows])
    lines.push(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  lines.push('');
  if (p.thresholds.length > 0) lines.push(`thresholds: ${p.thresholds.join('; ')}`);
  lines.push(
    `estimated duration: ${formatSeconds(p.totalSeconds)} (binaries already built; the first run builds them, about 6 minutes)`,
  );
  return lines.join('\n');
}

/** The first sentence of a description, for one-line listings. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.:](\s|$)/);
  const sentence = end < 0 ? flat : `${flat.slice(0, end)}.`;
  return sentence.length > 110 ? `${sentence.slice(0, 109).trimEnd()}…` : sentence;
}
