import { setTimeout as sleep } from 'node:timers/promises';

/** HTTP statuses an API server answers while it starts, restarts or sheds load: worth a retry. */
const TRANSIENT_STATUS = new Set([429, 503, 504]);
/** Socket errors of an API server that is restarting. */
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** True for an error a bounded retry may outlast: 429/503/504, a refused or reset connection. */
export function isTransientApiError(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === 'number') return TRANSIENT_STATUS.has(e.code);
  const errno = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  return typeof errno === 'string' && TRANSIENT_ERRNO.has(errno);
}

/** The server's Retry-After in ms (seconds form), if it sent one. */
function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | null)?.headers;
  const s = Number(headers?.['retry-after']);
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

export interface RetryOptions {
  /** Total time to keep retrying; the last error is thrown after it. */
  budgetMs?: number;
  signal?: AbortSignal | undefined;
  /** A seam for tests. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/**
 * Runs `call`, retrying it while it fails with a transient API error (see
 * {@link isTransientApiError}) and the budget lasts: waits the server's Retry-After (at most 5 s),
 * else 0.5, 1, 2, 4 s. Any other error is thrown at once. Only for idempotent calls, or calls whose
 * repeat the caller handles (a create that answers 409 the second time).
 */
export async function retryTransient<T>(call: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const budgetMs = o.budgetMs ?? 30_000;
  const wait = o.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  let elapsed = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransientApiError(err) || o.signal?.aborted) throw err;
      const ms = Math.min(retryAfterMs(err) ?? 500 * 2 ** Math.min(attempt, 3), 5000);
      if (elapsed + ms > budgetMs) throw err;
      elapsed += ms;
      await wait(ms, o.signal);
    }
  }
}
