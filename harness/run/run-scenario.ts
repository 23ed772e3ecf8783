import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchTarget, BenchTargetOptions } from '../backends/bench-target.js';
import { backendDriver } from '../backends/start-bench-target.js';
import { ScenarioError } from '../errors.js';
import { leaseModelForScenario } from '../measure/analytic-model.js';
import { Summary, type VariantSummary, type WindowRecord } from '../results/results-schema.js';
import { ResultsWriter } from '../results/results-writer.js';
import { expandVariants, type Variant } from '../scenario/expand-variants.js';
import { loadScenario, quickScenario } from '../scenario/scenario-file.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { windowAliasingNote } from '../scenario/window-aliasing.js';
import { resolveTool } from '../tools/resolve-tool.js';
import { captureEnvironment } from './capture-environment.js';
import { estimateRun, formatSeconds } from './estimate-duration.js';
import type { LiveStatus } from './live-status.js';
import { availableMemoryBytes, clusterMemoryBytes, planParallelClusters } from './parallel-clusters.js';
import { runVariant } from './run-variant.js';
import { SharedTargets, shapeGroups } from './shared-targets.js';
import { summarizeRun, summarizeVariant } from './summarize-variant.js';

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

/**
 * Why a variant saturated the control plane, or null: overhead above 50% of the K-core node, lease
 * requests answered with 429 (API priority and fairness throttling) or 5xx, or VIPs that were not
 * all announced within one measurement window.
 */
export function saturation(vs: VariantSummary, windows: readonly WindowRecord[], s: Scenario): string | null {
  const first = vs.controlPlane?.saturation[0];
  if (first) return `control plane: ${first.signal} fired first`;
  const pct = vs.cpu.controlPlaneOverheadPctOfNode;
  if (pct.n > 0 && pct.median > 50)
    return `control-plane overhead ${pct.median.toFixed(1)}% of a ${s.coresK}-core node`;
  const bad = windows.flatMap((w) =>
    w.leaseRequests.filter((r) => r.code === '429' || r.code.startsWith('5')),
  );
  if (bad.length > 0)
    return `lease requests answered ${[...new Set(bad.map((r) => `${r.verb} ${r.code}`))].join(', ')}`;
  if (vs.announceTimeMs === null || vs.announceTimeMs > s.measurement.windowSeconds * 1000) {
    return `VIPs not all announced within one ${s.measurement.windowSeconds}s window`;
  }
  return null;
}

/**
 * `l2bench run`: scenario → variants → one cluster of the scenario's backend per node shape (variants
 * that differ only in announcer settings or service counts share it) → samples → summary.
 * Returns the results directory. Everything is validated before anything starts.
 */
export async function runScenario(o: RunOptions): Promise<{ dir: string; summary: Summary }> {
  let scenario: Scenario = await loadScenario(o.scenario, o.set);
  if (o.quick) scenario = quickScenario(scenario);
  if (o.backend) scenario = { ...scenario, backend: o.backend };
  const variants = expandVariants(scenario, o.scenario);
  const driver = backendDriver(scenario.backend, o.scenario);
  if (o.resume === undefined) ResultsWriter.checkRoot(o.resultsRoot ?? 'results');
  const parallel = planParallelClusters({
    requested: o.parallel ?? 1,
    backend: scenario.backend,
    clusterBytes: shapeGroups(variants).map((g) => clusterMemoryBytes((g[0] as Variant).scenario)),
    availableBytes: availableMemoryBytes(),
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
    resolveTool('k6', { onProgress: o.progress }),
    ...peerTools.map((t) => resolveTool(t, { onProgress: o.progress })),
  ]);

  let writer: ResultsWriter;
  const done: VariantSummary[] = [];
  let startedAt = new Date().toISOString();
  if (o.resume) {
    if (!existsSync(join(o.resume, 'summary.json')) && !existsSync(join(o.resume, 'samples.jsonl'))) {
      throw new ScenarioError(
        `--resume ${o.resume}: not a results directory (no summary.json or samples.jsonl)`,
      );
    }
    writer = new ResultsWriter(o.resume);
    if (existsSync(join(o.resume, 'summary.json'))) {
      const prev = Summary.parse(JSON.parse(readFileSync(join(o.resume, 'summary.json'), 'utf8')));
      done.push(...prev.variants);
      startedAt = prev.startedAt;
    }
  } else {
    writer = ResultsWriter.create(o.resultsRoot ?? 'results', scenario.name);
  }
  writer.writeScenario(scenario);
  const environment = await captureEnvironment(scenario.backend, [
    ...new Set([...driver.tools, 'k6' as const, ...peerTools]),
  ]);
  if (parallel.clusters > 1) environment.parallelClusters = parallel.clusters;
  writer.writeEnvironment(environment);
  const runInfo = {
    runId: writer.dir.split('/').pop() ?? scenario.name,
    scenario,
    startedAt,
    finishedAt: null as string | null,
    environment,
    expectedVariants: variants.length,
  };
  o.progress(`l2bench run ${scenario.name}: ${variants.length} variants → ${writer.dir}`);
  for (const note of new Set(variants.map((v) => windowAliasingNote(v.scenario))))
    if (note) o.progress(`warning: ${note}`);
  // Variants of one cluster shape run together on one cluster (see SharedTargets); with --parallel
  // K, up to K shapes run at once, each on its own cluster.
  const groups = shapeGroups(variants.filter((v) => !done.some((d) => d.id === v.id)));
  const todoCount = groups.reduce((n, g) => n + g.length, 0);
  const inSweepOrder = (list: readonly VariantSummary[]) =>
    [...list].sort(
      (a, b) => variants.findIndex((v) => v.id === a.id) - variants.findIndex((v) => v.id === b.id),
    );
  const estimate = estimateRun(groups.flat(), parallel.clusters);
  let remaining = estimate.totalSeconds;
  let started = 0;
  let stopSweep = false;
  // Starting clusters one at a time: a backend picks its address slot from what the host already has.
  let startQueue: Promise<unknown> = Promise.resolve();
  const startSerially = (t: BenchTargetOptions): Promise<BenchTarget> => {
    const next = startQueue.then(() => driver.start(t));
    startQueue = next.catch(() => undefined);
    return next;
  };
  // A failed cluster stops the others at their next step; the first error is rethrown at the end.
  const stopOthers = new AbortController();
  const signal = AbortSignal.any([o.signal, stopOthers.signal]);

  const runGroup = async (group: readonly Variant[], progress: (line: string) => void) => {
    await using targets = new SharedTargets(startSerially);
    for (const v of group) {
      if (signal.aborted || stopSweep) return;
      started++;
      progress(`[${started}/${todoCount}] ${v.id} (${v.label || 'base'}) — ETA ${formatSeconds(remaining)}`);
      const { target, sharedWith, servicesKept } = await targets.forVariant(v, {
        k6Path,
        progress,
        signal,
        ...(o.cluster ? { cluster: o.cluster } : {}),
      });
      const r = await runVariant({
        variant: v,
        target,
        writer,
        signal,
        progress,
        ...(o.status && parallel.clusters === 1 ? { status: o.status } : {}),
      });
      if (sharedWith)
        r.notes.push(
          `ran on the cluster started for ${sharedWith} (same nodes; agents, services and leases reset)`,
        );
      if (servicesKept)
        r.notes.push(
          'services kept from the previous variant with their addresses: announce time excludes IPAM',
        );
      const aliasing = windowAliasingNote(v.scenario);
      if (aliasing) r.notes.push(aliasing);
      if (parallel.clusters > 1)
        r.notes.push(
          `ran while up to ${parallel.clusters} clusters ran at once on this host (--parallel): its CPU and latency figures include their contention`,
        );
      if (signal.aborted) return;
      const model = leaseModelForScenario(v.scenario);
      const vs = summarizeVariant(
        {
          id: v.id,
          label: v.label,
          params: v.params,
          scenario: v.scenario,
          announceTimeMs: r.announceTimeMs,
        },
        r.windows,
        r.trials,
        model,
        scenario.coresK,
      );
      vs.notes.push(...r.notes);
      done.push(vs);
      const saturated = v.scenario.measurement.stopOnSaturation
        ? saturation(vs, r.windows, v.scenario)
        : null;
      if (saturated && !stopSweep) {
        stopSweep = true;
        const skipped = groups
          .flat()
          .filter((x) => !done.some((d) => d.id === x.id) && x.id !== v.id)
          .map((x) => x.id);
        vs.notes.push(
          `saturation: ${saturated}; stopped the sweep here${skipped.length ? ` (not run: ${skipped.join(', ')})` : ''}`,
        );
        progress(`  saturation: ${saturated}: stopping the sweep`);
      }
      if (stopSweep) runInfo.expectedVariants = done.length;
      writer.writeSummary(summarizeRun(runInfo, inSweepOrder(done)));
      remaining = Math.max(0, remaining - (estimate.variantSeconds.get(v.id) ?? 0) / parallel.clusters);
    }
  };

  let nextGroup = 0;
  const worker = async (k: number) => {
    const progress = parallel.clusters > 1 ? (line: string) => o.progress(`c${k} ${line}`) : o.progress;
    for (let g = groups[nextGroup++]; g; g = groups[nextGroup++]) {
      if (signal.aborted || stopSweep) return;
      await runGroup(g, progress);
    }
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: parallel.clusters }, (_, k) =>
      worker(k + 1).catch((err: unknown) => {
        stopOthers.abort();
        throw err;
      }),
    ),
  );
  const failed = outcomes.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length > 0) {
    writer.writeSummary(summarizeRun(runInfo, inSweepOrder(done)));
    throw failed[0];
  }
  const finished = !o.signal.aborted && done.length === variants.length;
  const summary = summarizeRun(
    { ...runInfo, finishedAt: finished ? new Date().toISOString() : null },
    inSweepOrder(done),
  );
  writer.writeSummary(summary);
  return { dir: writer.dir, summary };
}
