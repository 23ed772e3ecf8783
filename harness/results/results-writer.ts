import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ScenarioError } from '../errors.js';
import {
  type Environment,
  FORMAT_VERSION,
  SampleLine,
  type SamplesHeader,
  type Summary,
} from './results-schema.js';

/**
 * Writes a run's results as they are measured: every sample is appended to samples.jsonl at once
 * (an interrupted run keeps what it measured), summary.json is rewritten atomically after each variant.
 */
export class ResultsWriter {
  readonly samplesPath: string;
  #headed = false;

  constructor(readonly dir: string) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new ScenarioError(`cannot create results directory ${dir}: ${fsReason(err)}`, { cause: err });
    }
    this.samplesPath = join(dir, 'samples.jsonl');
  }

  /**
   * Refuses a results root that cannot hold run directories, before anything starts: one line naming
   * `--results`, the value and the fix (a file, a symlink loop, no permission).
   */
  static checkRoot(root: string): void {
    try {
      if (!statSync(root).isDirectory())
        throw new ScenarioError(
          `--results ${root}: is a file, not a directory: give a directory (it is created if missing)`,
        );
      return;
    } catch (err) {
      if (err instanceof ScenarioError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new ScenarioError(`--results ${root}: ${fsReason(err)}: give a directory you can write`, {
          cause: err,
        });
    }
    try {
      mkdirSync(root, { recursive: true });
    } catch (err) {
      throw new ScenarioError(
        `--results ${root}: cannot create it: ${fsReason(err)}: give a directory you can write`,
        {
          cause: err,
        },
      );
    }
  }

  /** A new run dir `<root>/<stamp>-<scenario>` (UTC stamp, sortable). */
  static create(root: string, scenarioName: string, now = new Date()): ResultsWriter {
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return new ResultsWriter(join(root, `${stamp}-${scenarioName}`));
  }

  writeScenario(resolved: unknown): void {
    writeFileSync(join(this.dir, 'scenario.yaml'), stringify(resolved));
  }

  writeEnvironment(env: Environment): void {
    const versioned = { formatVersion: FORMAT_VERSION, ...env };
    writeFileSync(join(this.dir, 'environment.json'), `${JSON.stringify(versioned, null, 2)}\n`);
  }

  append(line: SampleLine): void {
    // The first line of a new file says which layout the lines after it follow.
    if (!this.#headed && !existsSync(this.samplesPath)) {
      const header: SamplesHeader = { type: 'format', formatVersion: FORMAT_VERSION };
      appendFileSync(this.samplesPath, `${JSON.stringify(header)}\n`);
    }
    this.#headed = true;
    appendFileSync(this.samplesPath, `${JSON.stringify(line)}\n`);
  }

  writeSummary(summary: Summary): void {
    const path = join(this.dir, 'summary.json');
    writeFileSync(`${path}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }

  /** Samples already on disk (for --resume); a torn last line of an interrupted run is skipped. */
  readSamples(): SampleLine[] {
    if (!existsSync(this.samplesPath)) return [];
    const out: SampleLine[] = [];
    for (const line of readFileSync(this.samplesPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = SampleLine.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // torn line
      }
    }
    return out;
  }
}

/** A filesystem error in words: the errno code's meaning, then the code. */
function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ELOOP: 'too many levels of symbolic links (a symlink loop)',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'exists and is not a directory',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
  };
  return code ? `${words[code] ?? 'cannot use it'} (${code})` : String(err);
}
