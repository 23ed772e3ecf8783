import { sleep } from '../shutdown-signal.js';

/** Time as the runner sees it: the wall clock in a run, a fake one in unit tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms`, resolving early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock and the one `sleep(ms, signal)` helper. */
export const systemClock: Clock = { now: () => Date.now(), sleep };
