import type { LeaseRecord } from './lease-record.js';

/** A Lease as a list or watch delivers it: the election record plus its name and metadata. */
export interface WatchedLease extends LeaseRecord {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** One watch event (BOOKMARKs only move the resourceVersion and are not passed on). */
export interface LeaseWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  lease: WatchedLease;
}

/** A running watch; `stop()` ends it without calling `onEnd`. */
export interface LeaseWatchHandle {
  stop(): void;
}

/**
 * The two read verbs of a label-selected Lease informer (one LIST, then one long WATCH), the
 * seam between {@link LeaseInformer} and the API server. Each call is one API request.
 */
export interface LeaseWatchApi {
  /** LIST leases in `namespace` matching `labelSelector`; the list's resourceVersion starts the watch. */
  list(namespace: string, labelSelector: string): Promise<{ items: WatchedLease[]; resourceVersion: string }>;
  /**
   * WATCH from `resourceVersion`. `onEvent` per change, in order; `onEnd` once when the server or
   * the connection ends the watch (with the error, if any; `gone` for 410: relist needed).
   */
  watch(
    namespace: string,
    labelSelector: string,
    resourceVersion: string,
    onEvent: (e: LeaseWatchEvent) => void,
    onEnd: (err: unknown, gone: boolean) => void,
  ): Promise<LeaseWatchHandle>;
}
