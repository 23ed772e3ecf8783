import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ResultsError } from '../harness/errors.js';
import {
  type CpuSample,
  Environment,
  FORMAT_VERSION,
  type PhaseSpan,
  SampleLine,
  SamplesHeader,
  Summary,
  type TrialRecord,
  type WindowRecord,
} from '../harness/results/results-schema.js';
import { msg, oneLine } from './messages.js';

export type CpuSampleLine = z.infer<typeof CpuSample>;
export type PhaseSpanLine = z.infer<typeof PhaseSpan>;

/** Everything a report needs from one run directory, validated. */
export interface RunResults {
  /** The directory as given. */
  dir: string;
  summary: Summary;
  environment: Environment;
  cpuSamples: CpuSampleLine[];
  phases: PhaseSpanLine[];
  windows: WindowRecord[];
  trials: TrialRecord[];
  /** What was tolerated while reading (a truncated last line, samples of unfinished variants), one sentence each. */
  warnings: string[];
}

/**
 * Reads and validates a run directory: `summary.json` (zod {@link Summary}), `samples.jsonl`
 * (streamed, each line validated; an unterminated last line that is not JSON is dropped with a
 * warning, since the runner may have been killed mid-write) and `environment.json` (falls back to the
 * copy in summary.json when absent). Samples of variants the summary does not list are dropped.
 * @throws ResultsError with one line naming the file and the problem.
 */
export async function loadResults(dir: string): Promise<RunResults> {
  const warnings: string[] = [];
  const summary = parseWith(Summary, 'summary.json', await readText(dir, 'summary.json'));
  const envText = await readText(dir, 'environment.json', true);
  let environment: Environment;
  if (envText === undefined) {
    environment = summary.environment;
    warnings.push(msg.environmentFromSummary());
  } else {
    environment = parseWith(Environment, 'environment.json', envText);
  }

  const known = new Set(summary.variants.map((v) => v.id));
  const unknown = new Set<string>();
  const run: RunResults = {
    dir,
    summary,
    environment,
    cpuSamples: [],
    phases: [],
    windows: [],
    trials: [],
    warnings,
  };
  for await (const line of readSampleLines(dir, warnings)) {
    if (!known.has(line.variantId)) {
      unknown.add(line.variantId);
      continue;
    }
    if (line.type === 'cpu') run.cpuSamples.push(line);
    else if (line.type === 'phase') run.phases.push(line);
    else if (line.type === 'window') run.windows.push(line);
    else run.trials.push(line);
  }
  if (unknown.size > 0) warnings.push(msg.samplesWithoutVariant([...unknown]));
  if (!summary.complete) warnings.unshift(msg.runIncomplete(summary.variants.length));
  return run;
}

async function readText(dir: string, file: string, optional = false): Promise<string | undefined> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (optional) return undefined;
      throw new ResultsError(msg.fileMissing(file, dir), { cause: err });
    }
    throw new ResultsError(msg.fileUnreadable(join(dir, file), code ?? String(err)), { cause: err });
  }
}

function parseWith<T>(schema: z.ZodType<T>, file: string, text: string | undefined): T {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch (err) {
    throw new ResultsError(msg.notJson(file, (err as Error).message), { cause: err });
  }
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const [first] = r.error.issues;
  throw new ResultsError(
    msg.schemaMismatch(file, issuePath(first?.path), first?.message ?? 'invalid', r.error.issues.length - 1),
    { cause: r.error },
  );
}

function issuePath(path: readonly PropertyKey[] | undefined): string {
  return path && path.length > 0 ? path.map(String).join('.') : '(top level)';
}

/** Streams samples.jsonl, yielding validated lines; tolerates only an unterminated, unparsable last line. */
async function* readSampleLines(dir: string, warnings: string[]): AsyncGenerator<SampleLine> {
  const file = 'samples.jsonl';
  const stream = createReadStream(join(dir, file), { encoding: 'utf8' });
  let rest = '';
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      rest += chunk;
      let nl = rest.indexOf('\n');
      while (nl >= 0) {
        lineNo++;
        const text = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        const parsed = parseSampleLine(file, lineNo, text);
        if (parsed) yield parsed;
        nl = rest.indexOf('\n');
      }
    }
  } catch (err) {
    if (err instanceof ResultsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ResultsError(msg.fileMissing(file, dir), { cause: err });
    throw new ResultsError(msg.fileUnreadable(join(dir, file), code ?? String(err)), { cause: err });
  }
  if (rest.trim() === '') return;
  lineNo++;
  try {
    JSON.parse(rest);
  } catch {
    warnings.push(msg.truncatedLastLine(file, lineNo, Buffer.byteLength(rest)));
    return;
  }
  const parsed = parseSampleLine(file, lineNo, rest);
  if (parsed) yield parsed;
}

function parseSampleLine(file: string, lineNo: number, text: string): SampleLine | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ResultsError(msg.lineNotJson(file, lineNo, (err as Error).message), { cause: err });
  }
  // The header line (files written before it have none): which layout the lines follow.
  if ((json as { type?: unknown } | null)?.type === 'format') {
    const h = SamplesHeader.safeParse(json);
    if (h.success) return undefined;
    throw new ResultsError(
      msg.lineSchemaMismatch(
        file,
        lineNo,
        'formatVersion',
        `this l2bench reads format ${FORMAT_VERSION}: ${oneLine(text)}`,
      ),
    );
  }
  const r = SampleLine.safeParse(json);
  if (r.success) return r.data;
  const [first] = r.error.issues;
  throw new ResultsError(
    msg.lineSchemaMismatch(file, lineNo, issuePath(first?.path), first?.message ?? 'invalid'),
    { cause: r.error },
  );
}
