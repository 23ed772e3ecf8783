import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
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
    mkdirSync(dir, { recursive: true });
    this.samplesPath = join(dir, 'samples.jsonl');
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
