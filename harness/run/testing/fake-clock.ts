import type { Clock } from '../clock.js';

interface Timer {
  atMs: number;
  seq: number;
  resolve: () => void;
}

/**
 * Virtual time for unit tests: `sleep` registers a timer, and once everything else has run (a
 * `setImmediate` turn: the fake backend does no I/O but synchronous file writes), the earliest
 * timer fires with `now()` moved to its time. A 60 s window takes microseconds; concurrent
 * sleepers (`--parallel` workers) overlap as on a wall clock instead of adding up.
 */
export class FakeClock implements Clock {
  #nowMs: number;
  #seq = 0;
  #timers: Timer[] = [];
  #pumping = false;

  constructor(startMs = Date.UTC(2026, 11, 3)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  /** Moves time on without waking anyone (a step that takes time but does not sleep). */
  advance(ms: number): void {
    this.#nowMs += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      };
      const timer: Timer = {
        atMs: this.#nowMs + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    setImmediate(() => {
      this.#pumping = false;
      this.#timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const first = this.#timers.shift();
      if (!first) return;
      this.#nowMs = Math.max(this.#nowMs, first.atMs);
      first.resolve();
      if (this.#timers.length > 0) this.#pump();
    });
  }
}
