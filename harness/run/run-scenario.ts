import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchTarget, BenchTargetOptions } from '../backends/bench-target.js';
import type { BackendDriver } from '../backends/start-bench-target.js';
import {
  fitInRun,
  type InRunFit,
  inRunCalibration,
  inRunCalibrationFile,
} from '../calibrate/in-run-calibration.js';
import { leaseModelForScenario } from '../measure/analytic-model.js';
import type { Summary, VariantSummary } from '../results/results-schema.js';
import { ResultsWriter } from '../results/results-writer.js';
import { expandVariants, type Variant } from '../scenario/expand-variants.js';
import { loadScenario, quickScenario } from '../scenario/scenario-file.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { windowAliasingNote } from '../scenario/window-aliasing.js';
import { estimateRun } from './estimate-duration.js';
import type { LiveStatus } from './live-status.js';
import { clusterMemoryBytes, type ParallelPlan, planParallelClusters } from './parallel-clusters.js';
import { openResults } from './resume-results.js';
import { defaultRunSeams, type RunSeams } from './run-seams.js';
import { runVariant, type VariantRun } from './run-variant.js';
import { runWorkers } from './run-workers.js';
import { SharedTargets, shapeGroups } from './shared-targets.js';
import { summarizeVariant } from './summarize-variant.js';
import { SweepProgress } from './sweep-progress.js';

export { saturation } from './saturation.js';

export interface RunOptions {
  scenario: string;
  quick?: boolean;
  /** Runs the scenario on this backend instead of its own (`--backend`); nothing else changes. */
  backend?: Scenario['backend'];
  /**
   * Clusters at once (`--parallel`, default 1): variant groups of different cluster shapes run
   * side by side, lowered to what the backend and the available memory allow.
   */
  parallel?: number;
  /** An interrupted run's directory to finish: variants already summarized are skipped. */
  resume?: string;
  resultsRoot?: string;
  /** The cluster backend's `--context` and `--yes`. */
  cluster?: { context?: string; yes?: boolean };
  /** `--set path=value` overrides of scenario fields. */
  set?: readonly string[];
  signal: AbortSignal;
  progress: (line: string) => void;
  /** A terminal's live line during windows; used when one cluster runs at a time. */
  status?: LiveStatus;
}

/** What every cluster's worker shares in one run. */
interface RunContext {
  o: RunOptions;
  seams: RunSeams;
  scenario: Scenario;
  writer: ResultsWriter;
  sweep: SweepProgress;
  parallel: ParallelPlan;
  k6Path: string;
  /** The run's signal, or a failed cluster's: the others stop at their next step. */
  signal: AbortSignal;
  start: (o: BenchTargetOptions) => Promise<BenchTarget>;
}

/**
 * `l2bench run`: scenario → variants → one cluster of the scenario's backend per node shape (variants
 * that differ only in announcer settings or service counts share it) → samples → summary.
 * Returns the results directory. Everything is validated before anything starts. `seams` replaces
 * the backend, tools, host and clock (unit tests); a run passes none.
 */
export async function runScenario(
  o: RunOptions,
  seams: Partial<RunSeams> = {},
): Promise<{ dir: string; summary: Summary }> {
  const x: RunSeams = { ...defaultRunSeams, ...seams };
  const scenario = await loadRunScenario(o);
  const variants = expandVariants(scenario, o.scenario);
  const driver = x.driver(scenario.backend, o.scenario);
  if (o.resume === undefined) ResultsWriter.checkRoot(o.resultsRoot ?? 'results');
  const parallel = planParallelClusters({
    requested: o.parallel ?? 1,
    backend: scenario.backend,
    clusterBytes: shapeGroups(variants).map((g) => clusterMemoryBytes((g[0] as Variant).scenario)),
    availableBytes: x.availableMemoryBytes(),
  });
  if (parallel.limitedBy)
    o.progress(`--parallel ${o.parallel}: ${parallel.clusters} at once (${parallel.limitedBy})`);
  await driver.prepareHost(o.progress);
  const usesKubeVip = variants.some((v) => v.scenario.announcer.implementation === 'kube-vip');
  const usesMetallb = variants.some((v) => v.scenario.announcer.implementation === 'metallb');
  // Peer binaries are built (or found) before any cluster starts: a failing build is one line here.
  const peerTools = [
    ...(usesKubeVip ? (['kube-vip'] as const) : []),
    ...(usesMetallb ? (['metallb-controller', 'metallb-speaker'] as const) : []),
  ];
  const [k6Path] = await Promise.all([
    x.resolveTool('k6', o.progress),
    ...peerTools.map((t) => x.resolveTool(t, o.progress)),
  ]);

  const { writer, resumed, startedAt } = openResults(o.resultsRoot ?? 'results', o.resume, scenario);
  writer.writeScenario(scenario);
  const environment = await x.captureEnvironment(scenario.backend, [
    ...new Set([...driver.tools, 'k6' as const, ...peerTools]),
  ]);
  if (parallel.clusters > 1) environment.parallelClusters = parallel.clusters;
  writer.writeEnvironment(environment);
  // Variants of one cluster shape run together on one cluster (see SharedTargets); with --parallel
  // K, up to K shapes run at once, each on its own cluster.
  const groups = shapeGroups(variants.filter((v) => !resumed.some((d) => d.id === v.id)));
  const sweep = new SweepProgress(
    variants,
    groups.flat(),
    estimateRun(groups.flat(), parallel.clusters),
    parallel.clusters,
    {
      runId: writer.dir.split('/').pop() ?? scenario.name,
      scenario,
      startedAt,
      finishedAt: null,
      environment,
      expectedVariants: variants.length,
    },
    writer,
    resumed,
  );
  o.progress(`l2bench run ${scenario.name}: ${variants.length} variants → ${writer.dir}`);
  for (const note of new Set(variants.map((v) => windowAliasingNote(v.scenario))))
    if (note) o.progress(`warning: ${note}`);

  // A failed cluster stops the others at their next step; every failure is thrown at the end.
  const stopOthers = new AbortController();
  const c: RunContext = {
    o,
    seams: x,
    scenario,
    writer,
    sweep,
    parallel,
    k6Path,
    signal: AbortSignal.any([o.signal, stopOthers.signal]),
    start: serialStarts(driver),
  };
  const failures = await runWorkers(groups, parallel.clusters, {
    signal: c.signal,
    stopped: () => sweep.stopped,
    progress: o.progress,
    onFailure: () => stopOthers.abort(),
    runGroup: (group, progress) => runGroup(c, group, progress),
  });
  if (failures.length > 0) {
    sweep.writeSummary();
    throw failures.length === 1
      ? failures[0]
      : new AggregateError(failures, `${failures.length} clusters failed`);
  }
  // A sweep stopped at saturation finished too: it ran every variant it was going to.
  const finished = !o.signal.aborted && sweep.done.length === sweep.runInfo.expectedVariants;
  const summary = sweep.writeSummary(finished ? new Date().toISOString() : null);
  return { dir: writer.dir, summary };
}

/** The scenario file with `--set`, `--quick` and `--backend` applied. */
async function loadRunScenario(o: RunOptions): Promise<Scenario> {
  let scenario: Scenario = await loadScenario(o.scenario, o.set);
  if (o.quick) scenario = quickScenario(scenario);
  if (o.backend) scenario = { ...scenario, backend: o.backend };
  return scenario;
}

/** Starts clusters one at a time: a backend picks its address slot from what the host already has. */
function serialStarts(driver: BackendDriver): (o: BenchTargetOptions) => Promise<BenchTarget> {
  let queue: Promise<unknown> = Promise.resolve();
  return (t) => {
    const next = queue.then(() => driver.start(t));
    queue = next.catch(() => undefined);
    return next;
  };
}

/** One cluster shape's variants, one after another on one target (reconfigured in between). */
async function runGroup(c: RunContext, group: readonly Variant[], progress: (line: string) => void) {
  const { o, sweep, signal } = c;
  await using targets = new SharedTargets(c.start);
  for (const v of group) {
    if (signal.aborted || sweep.stopped) return;
    progress(sweep.begin(v));
    const { target, sharedWith, servicesKept } = await targets.forVariant(v, {
      k6Path: c.k6Path,
      progress,
      signal,
      ...(o.cluster ? { cluster: o.cluster } : {}),
    });
    const r = await runVariant({
      variant: v,
      target,
      writer: c.writer,
      signal,
      progress,
      clock: c.seams.clock,
      scrape: c.seams.scrape,
      runTrial: c.seams.runTrial,
      ...(o.status && c.parallel.clusters === 1 ? { status: o.status } : {}),
    });
    r.notes.push(...variantNotes(v, { sharedWith, servicesKept, clusters: c.parallel.clusters }));
    if (signal.aborted) return;
    const saturated = sweep.finish(v, summarize(c, v, r), r.windows);
    if (saturated) progress(`  saturation: ${saturated}: stopping the sweep`);
  }
}

/** What a reader of one variant's figures must know about how it ran. Pure. */
export function variantNotes(
  v: Variant,
  how: { sharedWith: string | null; servicesKept: boolean; clusters: number },
): string[] {
  const notes: string[] = [];
  if (how.sharedWith)
    notes.push(
      `ran on the cluster started for ${how.sharedWith} (same nodes; agents, services and leases reset)`,
    );
  if (how.servicesKept)
    notes.push('services kept from the previous variant with their addresses: announce time excludes IPAM');
  const aliasing = windowAliasingNote(v.scenario);
  if (aliasing) notes.push(aliasing);
  if (how.clusters > 1)
    notes.push(
      `ran while up to ${how.clusters} clusters ran at once on this host (--parallel): its CPU and latency figures include their contention`,
    );
  return notes;
}

/** A variant's summary from its windows and trials, its notes last. */
function summarize(c: RunContext, v: Variant, r: VariantRun): VariantSummary {
  const inRunFit = fitInRun(r.windows, v.id);
  const vs = summarizeVariant(
    {
      id: v.id,
      label: v.label,
      params: v.params,
      scenario: v.scenario,
      announceTimeMs: r.announceTimeMs,
      inRunFit,
    },
    r.windows,
    r.trials,
    leaseModelForScenario(v.scenario),
    c.scenario.coresK,
  );
  vs.notes.push(...r.notes);
  if (inRunFit) writeInRunCalibration(c, v, inRunFit);
  return vs;
}

/** A variant's in-run calibration as calibration-<id>.json beside the summary (`l2bench predict` reads it). */
function writeInRunCalibration(c: RunContext, v: Variant, fit: InRunFit): void {
  const calibration = inRunCalibration(fit, {
    environment: c.sweep.runInfo.environment,
    windowSeconds: v.scenario.measurement.windowSeconds,
  });
  writeFileSync(join(c.writer.dir, inRunCalibrationFile(v.id)), `${JSON.stringify(calibration, null, 1)}\n`);
}
