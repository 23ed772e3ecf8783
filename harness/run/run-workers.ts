import type { Variant } from '../scenario/expand-variants.js';

export interface WorkerPoolOptions {
  signal: AbortSignal;
  /** True once the sweep stopped (saturation): no worker takes another group. */
  stopped: () => boolean;
  progress: (line: string) => void;
  /** Called at a worker's failure, before the others finish (to stop them). */
  onFailure: () => void;
  runGroup: (group: readonly Variant[], progress: (line: string) => void) => Promise<void>;
}

/**
 * `clusters` workers, each taking the next cluster-shape group when it finished one (greedy, in
 * group order, as estimateRun assumes). With more than one, each worker's lines are prefixed
 * `c1 `, `c2 `… Returns every worker's failure (none: empty), after all of them ended.
 */
export async function runWorkers(
  groups: readonly (readonly Variant[])[],
  clusters: number,
  o: WorkerPoolOptions,
): Promise<unknown[]> {
  let next = 0;
  const worker = async (k: number) => {
    const progress = clusters > 1 ? (line: string) => o.progress(`c${k} ${line}`) : o.progress;
    for (let g = groups[next++]; g; g = groups[next++]) {
      if (o.signal.aborted || o.stopped()) return;
      await o.runGroup(g, progress);
    }
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: clusters }, (_, k) =>
      worker(k + 1).catch((err: unknown) => {
        o.onFailure();
        throw err;
      }),
    ),
  );
  return outcomes.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
}
