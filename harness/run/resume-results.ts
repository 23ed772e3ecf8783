import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError } from '../errors.js';
import { Summary, type VariantSummary } from '../results/results-schema.js';
import { ResultsWriter } from '../results/results-writer.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/** Where `--resume` moves the samples of variants an interruption left unfinished. */
export const INTERRUPTED_SAMPLES = 'samples-interrupted.jsonl';

/** A run's results directory, and with `--resume` what the interrupted run already summarized. */
export interface OpenedResults {
  writer: ResultsWriter;
  /** Variants summary.json holds: not run again. */
  resumed: VariantSummary[];
  startedAt: string;
}

/**
 * A new results directory under `root`, or with `resume` the interrupted one: the variants its
 * summary.json holds and its start time. Samples of variants it does not hold (measured partly
 * before the interruption, to be measured again) move to {@link INTERRUPTED_SAMPLES}, so the
 * finished run's samples.jsonl has each variant's windows once and nothing measured is deleted.
 */
export function openResults(root: string, resume: string | undefined, scenario: Scenario): OpenedResults {
  if (!resume)
    return {
      writer: ResultsWriter.create(root, scenario.name),
      resumed: [],
      startedAt: new Date().toISOString(),
    };
  const summaryPath = join(resume, 'summary.json');
  if (!existsSync(summaryPath) && !existsSync(join(resume, 'samples.jsonl'))) {
    throw new ScenarioError(`--resume ${resume}: not a results directory (no summary.json or samples.jsonl)`);
  }
  const writer = new ResultsWriter(resume);
  const prev = existsSync(summaryPath)
    ? Summary.parse(JSON.parse(readFileSync(summaryPath, 'utf8')))
    : { variants: [], startedAt: new Date().toISOString() };
  setAsideUnfinished(
    writer.samplesPath,
    new Set(prev.variants.map((v) => v.id)),
    join(resume, INTERRUPTED_SAMPLES),
  );
  return { writer, resumed: prev.variants, startedAt: prev.startedAt };
}

/** Moves the lines of variants not in `finished` from `samplesPath` to the end of `asidePath`. */
function setAsideUnfinished(samplesPath: string, finished: ReadonlySet<string>, asidePath: string): void {
  if (!existsSync(samplesPath)) return;
  const keep: string[] = [];
  const aside: string[] = [];
  for (const line of readFileSync(samplesPath, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let variantId: unknown;
    try {
      variantId = (JSON.parse(line) as { variantId?: unknown }).variantId;
    } catch {
      // A torn last line of the interrupted run: nothing to keep in samples.jsonl.
      aside.push(line);
      continue;
    }
    // The format header (no variant) stays first.
    (typeof variantId === 'string' && !finished.has(variantId) ? aside : keep).push(line);
  }
  if (aside.length === 0) return;
  appendFileSync(asidePath, `${aside.join('\n')}\n`);
  writeFileSync(`${samplesPath}.tmp`, keep.length > 0 ? `${keep.join('\n')}\n` : '');
  renameSync(`${samplesPath}.tmp`, samplesPath);
}
