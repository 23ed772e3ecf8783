import type { Clock } from './clock.js';

interface Timer {
  dueMs: number;
  seq: number;
  fire: () => void;
}

/**
 * A {@link Clock} that only moves when a test calls {@link FakeClock.advance}. Timers fire in
 * due-time order (ties in the order they were set), and after each one the clock lets every
 * promise continuation run, so code that awaits a fake client and then sleeps again has its
 * next timer registered before the clock looks for the next due one.
 */
export class FakeClock implements Clock {
  #nowMs: number;
  #seq = 0;
  #timers: Timer[] = [];

  /** @param startMs epoch ms to start at; a fixed date so timestamps in failures are readable. */
  constructor(startMs = Date.UTC(2026, 10, 25, 3, 40, 0)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer: Timer = {
        dueMs: this.#nowMs + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + ms;
    await FakeClock.settle();
    for (;;) {
      const next = this.#nextTimer();
      if (next === undefined || next.dueMs > targetMs) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.fire();
      await FakeClock.settle();
    }
    this.#nowMs = targetMs;
    await FakeClock.settle();
  }

  /** Number of sleeps not yet fired or aborted (a leak check for tests). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Lets all queued promise continuations run. One macrotask turn is enough because the fakes
   * resolve through microtasks only, and Node drains the whole microtask queue before it.
   */
  static settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  #nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.seq < best.seq))
        best = t;
    }
    return best;
  }
}
