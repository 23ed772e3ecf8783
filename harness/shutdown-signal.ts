/**
 * One AbortSignal for the whole process that fires on SIGINT or SIGTERM, so every long-running
 * step can stop and the owner's `await using` teardown runs in one place. A second signal exits at
 * once (what is left can be removed with `l2bench cleanup`).
 */
export function installShutdownSignal(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): AbortSignal {
  if (shutdown) return shutdown.ctl.signal;
  const ctl = new AbortController();
  shutdown = { ctl, log };
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
  // A dropped SSH session: the same teardown.
  process.on('SIGHUP', onSignal);
  return ctl.signal;
}

/** The process's one shutdown controller, once installed. */
let shutdown: { ctl: AbortController; log: (line: string) => void } | undefined;

/**
 * Watches stdout and stderr for a reader that went away (EPIPE: `| head`, a pager quit). Returns
 * which one closed, so callers stop writing to it, and stops a running command through the same
 * teardown as Ctrl-C (the shutdown signal) instead of dying mid-setup with things left behind.
 */
export function onClosedOutput(): { stdout: boolean; stderr: boolean } {
  const closed = { stdout: false, stderr: false };
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed[name] = true;
      // 128 + SIGPIPE, as a shell tool whose reader left.
      process.exitCode = 141;
      if (shutdown && !shutdown.ctl.signal.aborted) {
        if (!closed.stderr) shutdown.log(`l2bench: ${name} closed: tearing down`);
        shutdown.ctl.abort(new Error(`${name} closed`));
      }
    });
  }
  return closed;
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
