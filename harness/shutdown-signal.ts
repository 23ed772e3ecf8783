/**
 * One AbortSignal for the whole process that fires on SIGINT or SIGTERM, so every long-running
 * step can stop and the owner's `await using` teardown runs in one place. A second signal exits at
 * once (what is left can be removed with `l2bench cleanup`).
 */
export function installShutdownSignal(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): AbortSignal {
  const ctl = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`l2bench: ${sig}: tearing down (press Ctrl-C again to exit at once; then run 'l2bench cleanup')`);
      ctl.abort(new Error(`interrupted by ${sig}`));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ctl.signal;
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Sleeps, resolving early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
