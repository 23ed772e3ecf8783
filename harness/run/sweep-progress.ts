import type { Summary, VariantSummary, WindowRecord } from '../results/results-schema.js';
import type { ResultsWriter } from '../results/results-writer.js';
import type { Variant } from '../scenario/expand-variants.js';
import { formatSeconds, type RunEstimate } from './estimate-duration.js';
import { saturation } from './saturation.js';
import { type RunInfo, summarizeRun } from './summarize-variant.js';

export type { RunInfo };

/**
 * A sweep's bookkeeping, shared by every cluster's worker: the variants summarized so far (those of
 * a resumed run first), the `[i/n] … ETA` lines, the saturation stop, and summary.json rewritten
 * after every variant so an interrupted run keeps what it measured.
 */
export class SweepProgress {
  /** Summaries so far, in the order they finished. */
  readonly done: VariantSummary[];
  /** Set once a variant saturated with `stopOnSaturation`: no worker starts another variant. */
  stopped = false;
  #started = 0;
  #remainingSeconds: number;

  constructor(
    /** Every variant of the sweep, in sweep order. */
    private readonly variants: readonly Variant[],
    /** The variants this invocation runs (the sweep less a resumed run's). */
    private readonly todo: readonly Variant[],
    private readonly estimate: RunEstimate,
    private readonly clusters: number,
    readonly runInfo: RunInfo,
    private readonly writer: ResultsWriter,
    resumed: readonly VariantSummary[] = [],
  ) {
    this.done = [...resumed];
    this.#remainingSeconds = estimate.totalSeconds;
  }

  /** Variants already summarized (resumed ones included) are not run again. */
  isDone(id: string): boolean {
    return this.done.some((d) => d.id === id);
  }

  /** Counts `v` as started; its progress line, `[2/6] v02-… (label) — ETA 4m10s`. */
  begin(v: Variant): string {
    this.#started++;
    return `[${this.#started}/${this.todo.length}] ${v.id} (${v.label || 'base'}) — ETA ${formatSeconds(this.#remainingSeconds)}`;
  }

  /**
   * Records a finished variant: the saturation stop (a note naming the variants not run), then
   * summary.json, then the ETA less this variant's share. Returns why it saturated, or null.
   */
  finish(v: Variant, vs: VariantSummary, windows: readonly WindowRecord[]): string | null {
    this.done.push(vs);
    const saturated = v.scenario.measurement.stopOnSaturation ? saturation(vs, windows, v.scenario) : null;
    const stopsHere = saturated !== null && !this.stopped;
    if (stopsHere) {
      this.stopped = true;
      const skipped = this.todo.filter((x) => !this.isDone(x.id) && x.id !== v.id).map((x) => x.id);
      vs.notes.push(
        `saturation: ${saturated}; stopped the sweep here${skipped.length ? ` (not run: ${skipped.join(', ')})` : ''}`,
      );
    }
    if (this.stopped) this.runInfo.expectedVariants = this.done.length;
    this.writeSummary();
    this.#remainingSeconds = Math.max(
      0,
      this.#remainingSeconds - (this.estimate.variantSeconds.get(v.id) ?? 0) / this.clusters,
    );
    return stopsHere ? saturated : null;
  }

  /** summary.json as it stands; `finishedAt` set once the run ended uninterrupted. */
  writeSummary(finishedAt: string | null = null): Summary {
    const summary = summarizeRun({ ...this.runInfo, finishedAt }, this.#inSweepOrder());
    this.writer.writeSummary(summary);
    return summary;
  }

  #inSweepOrder(): VariantSummary[] {
    const at = (id: string) => this.variants.findIndex((v) => v.id === id);
    return [...this.done].sort((a, b) => at(a.id) - at(b.id));
  }
}
