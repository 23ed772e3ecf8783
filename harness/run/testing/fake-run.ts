import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SampleLine, Summary } from '../../results/results-schema.js';
import { type RunOptions, runScenario } from '../run-scenario.js';
import { FakeBackend, type FakeBackendOptions, type FakeBenchTarget } from './fake-bench-target.js';
import { FakeClock } from './fake-clock.js';

/** A small scenario for the fake backend: 2 nodes, 2 services, one 5 s window of each kind. */
export function fakeScenario(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'fake',
    nodes: { count: 2 },
    services: { announced: 2 },
    announcer: { leaseDurationMs: '4s', renewDeadlineMs: '2s', retryPeriodMs: '0.5s' },
    measurement: { warmupSeconds: 1, windowSeconds: 5, repetitions: 1 },
    ...overrides,
  };
}

/** A temporary directory (`l2b-` prefixed) holding scenario files and results; `close` removes it. */
export class FakeRunDir {
  readonly root = mkdtempSync(join(tmpdir(), 'l2b-fake-run-'));
  #runs = 0;

  /**
   * A results root of its own for every run: run directories are named to the second, so two fake
   * runs within one second would share one under a common root.
   */
  nextResultsRoot(): string {
    return join(this.root, `results-${++this.#runs}`);
  }

  write(doc: Record<string, unknown>): string {
    const file = join(this.root, `${String(doc.name)}.yaml`);
    writeFileSync(file, stringify(doc));
    return file;
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What one fake run did: its backend, progress lines, result (or error) and the files it wrote. */
export interface FakeRun {
  backend: FakeBackend;
  lines: string[];
  dir: string | null;
  error: unknown;
  summary(): Summary;
  samples(): SampleLine[];
}

/**
 * Runs `scenarioFile` through the real runner on a {@link FakeBackend}. `interrupt(step, target)`
 * returning true aborts the run's signal at that step, as Ctrl-C would.
 */
export async function fakeRun(
  dir: FakeRunDir,
  scenarioFile: string,
  o: Partial<Omit<RunOptions, 'signal' | 'progress'>> & {
    fake?: Omit<FakeBackendOptions, 'clock' | 'onStep'>;
    interrupt?: (step: string, target: FakeBenchTarget) => boolean;
    failAt?: NonNullable<FakeBackendOptions['onStep']>;
  } = {},
): Promise<FakeRun> {
  const { fake, interrupt, failAt, ...runOptions } = o;
  const ctl = new AbortController();
  const backend = new FakeBackend({
    clock: new FakeClock(),
    ...fake,
    onStep: (step, target) => {
      if (interrupt?.(step, target) && !ctl.signal.aborted) ctl.abort(new Error('interrupted by the test'));
      failAt?.(step, target);
    },
  });
  const lines: string[] = [];
  const resultsRoot = dir.nextResultsRoot();
  let dirOut: string | null = null;
  let error: unknown = null;
  try {
    const r = await runScenario(
      {
        scenario: scenarioFile,
        resultsRoot,
        ...runOptions,
        signal: ctl.signal,
        progress: (l) => lines.push(l),
      },
      backend.seams(),
    );
    dirOut = r.dir;
  } catch (err) {
    error = err;
  }
  const at = () => {
    // A run that threw returned no directory: its root holds only that one.
    const created = existsSync(resultsRoot) ? readdirSync(resultsRoot) : [];
    const d =
      dirOut ?? runOptions.resume ?? (created.length === 1 ? join(resultsRoot, created[0] ?? '') : null);
    if (!d) throw new Error('the run wrote no results directory');
    return d;
  };
  return {
    backend,
    lines,
    dir: dirOut,
    error,
    summary: () => Summary.parse(JSON.parse(readFileSync(join(at(), 'summary.json'), 'utf8'))),
    samples: () =>
      readFileSync(join(at(), 'samples.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string })
        // The first line says which layout the others follow.
        .filter((l) => l.type !== 'format')
        .map((l) => SampleLine.parse(l)),
  };
}
