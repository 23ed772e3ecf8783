/**
 * Time as the election sees it. Injected so the state machine runs on a {@link FakeClock} in
 * unit tests and on {@link systemClock} in the announcer.
 */
export interface Clock {
  /** Current time as epoch milliseconds (may carry a fractional, sub-millisecond part). */
  now(): number;
  /**
   * Resolves after `ms`, or as soon as `signal` aborts. It never rejects: callers check
   * `signal.aborted` afterwards, which keeps every loop's shutdown path a plain `if`.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock. `now()` is `performance.timeOrigin + performance.now()`: epoch-anchored but
 * monotonic, the way Go's `time.Now()` carries a monotonic reading that client-go's expiry
 * comparisons use, so an NTP step cannot expire (or extend) a lease. It also gives the
 * microseconds that a Lease's MicroTime fields have room for.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};
