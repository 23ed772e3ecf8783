import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Summary } from '../harness/results/results-schema.js';
import { summaryOpenMetrics } from './export-metrics.js';
import { evaluateRunGates, type RunGate, type RunVerdict } from './run-gates.js';

/**
 * What `run` does with a finished (or interrupted) run's summary: writes `metrics.om` (OpenMetrics,
 * for node_exporter's textfile collector or a backfill) and `gates.json` (every gate's outcome and
 * the trials that never recovered), and returns the verdict whose exit code the CLI uses.
 */
export async function finishRun(
  dir: string,
  summary: Summary,
  gates: readonly RunGate[],
): Promise<RunVerdict> {
  await writeFile(join(dir, 'metrics.om'), await summaryOpenMetrics(summary));
  const verdict = evaluateRunGates(summary, gates);
  await writeFile(join(dir, 'gates.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  return verdict;
}
