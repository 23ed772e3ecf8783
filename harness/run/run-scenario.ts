import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError } from '../errors.js';
import { leaseModelInputFor, leaseRequestModel } from '../measure/analytic-model.js';
import { ensureDebianPackages } from '../tools/debian-packages.js';
import { resolveTool } from '../tools/resolve-tool.js';
import { captureEnvironment } from './capture-environment.js';
import { expandVariants, type Variant } from './expand-variants.js';
import { Summary, type VariantSummary } from './results-schema.js';
import { ResultsWriter } from './results-writer.js';
import { runVariant } from './run-variant.js';
import { loadScenario, quickScenario, type Scenario } from './scenario-schema.js';
import { summarizeRun, summarizeVariant } from './summarize-variant.js';

export interface RunOptions {
  scenario: string;
  quick?: boolean;
  /** An interrupted run's directory to finish: variants already summarized are skipped. */
  resume?: string;
  resultsRoot?: string;
  signal: AbortSignal;
  progress: (line: string) => void;
}

/** Estimated seconds of one variant, for the ETA (windows, warm-ups, trials; start-up excluded). */
export function estimateVariantSeconds(v: Variant): number {
  const s = v.scenario;
  const m = s.measurement;
  const perRep = (m.baseline ? m.windowSeconds + 3 : 0) + m.warmupSeconds + m.windowSeconds + 5;
  const trial =
    2 + (s.announcer.leaseDurationMs + 2.2 * s.announcer.retryPeriodMs) / 1000 + 5 + s.faults.settleSeconds;
  return 10 + m.repetitions * perRep + s.faults.kinds.length * s.faults.trialsPerKind * trial;
}

function fmtEta(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

/**
 * `l2bench run`: scenario → variants → one fresh local cluster per variant → samples → summary.
 * Returns the results directory. Everything is validated before anything starts.
 */
export async function runScenario(o: RunOptions): Promise<{ dir: string; summary: Summary }> {
  let scenario: Scenario = await loadScenario(o.scenario);
  if (o.quick) scenario = quickScenario(scenario);
  const variants = expandVariants(scenario, o.scenario);
  if (scenario.backend !== 'local') {
    throw new ScenarioError(
      `${o.scenario}: backend '${scenario.backend}' is not available in this build: use backend: local (or --backend local)`,
    );
  }
  await ensureDebianPackages(['iproute2', 'arping', 'curl'], o.progress);
  const [k6Path] = await Promise.all([
    resolveTool('k6', { onProgress: o.progress }),
    resolveTool('kube-apiserver', { onProgress: o.progress }),
    resolveTool('etcd', { onProgress: o.progress }),
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
  const environment = await captureEnvironment('local', ['kube-apiserver', 'etcd', 'k6']);
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
  const todo = variants.filter((v) => !done.some((d) => d.id === v.id));
  let remaining = todo.reduce((sum, v) => sum + estimateVariantSeconds(v), 0);
  for (const [k, v] of todo.entries()) {
    if (o.signal.aborted) break;
    o.progress(`[${k + 1}/${todo.length}] ${v.id} (${v.label || 'base'}) — ETA ${fmtEta(remaining)}`);
    const r = await runVariant({ variant: v, writer, k6Path, signal: o.signal, progress: o.progress });
    if (o.signal.aborted) break;
    const model = leaseRequestModel({ ...leaseModelInputFor(v.scenario), operatorCandidates: 1 });
    const vs = summarizeVariant(
      { id: v.id, label: v.label, params: v.params, scenario: v.scenario, announceTimeMs: r.announceTimeMs },
      r.windows,
      r.trials,
      model,
      scenario.coresK,
    );
    vs.notes.push(...r.notes);
    done.push(vs);
    writer.writeSummary(summarizeRun(runInfo, done));
    remaining -= estimateVariantSeconds(v);
  }
  const finished = !o.signal.aborted && done.length === variants.length;
  const summary = summarizeRun({ ...runInfo, finishedAt: finished ? new Date().toISOString() : null }, done);
  writer.writeSummary(summary);
  return { dir: writer.dir, summary };
}
