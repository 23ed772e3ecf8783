import type { WatchedLease } from './lease-watch.js';

/** What the lease garbage collector needs of the API: a LIST of the namespace and a DELETE. */
export interface LeaseGcApi {
  list(namespace: string, labelSelector: string): Promise<{ items: WatchedLease[] }>;
  delete(namespace: string, name: string): Promise<void>;
}

export interface LeaseGcOptions {
  api: LeaseGcApi;
  namespace: string;
  /** Only Leases whose name starts with this are collected (Cilium: `cilium-l2announce`). */
  prefix: string;
  /** Cilium runs it on a one-minute timer in every agent. */
  intervalMs: number;
  onError?: (err: unknown) => void;
}

/**
 * One pass of Cilium's L2 announcer lease GC (pkg/l2announcer, `leaseGC`, every agent, every
 * minute): LIST every Lease of the lease namespace (no selector, as Cilium sends it), DELETE those
 * with the prefix that nobody holds (released by an agent that no longer selects the service).
 * Returns the names deleted.
 */
export async function collectLeases(
  o: Pick<LeaseGcOptions, 'api' | 'namespace' | 'prefix'>,
): Promise<string[]> {
  const { items } = await o.api.list(o.namespace, '');
  const orphans = items.filter((l) => l.name.startsWith(o.prefix) && l.holderIdentity === '');
  for (const l of orphans) await o.api.delete(o.namespace, l.name);
  return orphans.map((l) => l.name);
}

/**
 * Runs {@link collectLeases} every `intervalMs` (the first pass one interval after the start, as
 * a timer job does) until the returned stop is called. A failed pass is reported and retried at
 * the next tick, like Cilium's job.
 */
export function startLeaseGc(o: LeaseGcOptions): { stop: () => void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    collectLeases(o)
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => {
        running = false;
      });
  }, o.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
