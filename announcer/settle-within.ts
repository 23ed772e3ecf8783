/** How a promise raced against a time limit came out. */
export type SettleOutcome<T> = { settled: true; value: T } | { settled: false };

/**
 * Waits for `p` at most `ms` (negative counts as 0) and says which came first. The outcome is a
 * tagged value, not `undefined`, because the promises the agent waits on on shutdown resolve to
 * `undefined` themselves: a bare race could not tell a finished lease release from a timeout.
 * A rejection of `p` propagates.
 */
export function settleWithin<T>(p: Promise<T>, ms: number): Promise<SettleOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SettleOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), Math.max(0, ms));
  });
  const done = p.then((value): SettleOutcome<T> => ({ settled: true, value }));
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}
