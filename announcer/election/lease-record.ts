/**
 * The election-relevant part of a `coordination.k8s.io/v1` Lease: client-go's
 * `LeaderElectionRecord` plus the `resourceVersion` that every update must send back
 * (optimistic concurrency: a stale one gets 409 Conflict).
 *
 * Times are epoch milliseconds, possibly fractional: the API stores MicroTime, and keeping the
 * microseconds means a holder that re-sends `acquireTime` sends back exactly what it read.
 */
export interface LeaseRecord {
  /** `spec.holderIdentity`; `''` when nobody holds the lease (after a release). */
  holderIdentity: string;
  /** `spec.leaseDurationSeconds`: how long candidates wait, on their own clocks, without seeing a change. */
  leaseDurationSeconds: number;
  acquireTimeMs: number | null;
  renewTimeMs: number | null;
  leaseTransitions: number;
  resourceVersion: string;
  /**
   * `metadata.annotations` to set on create/update (kept as they are when absent). Node leases
   * publish the policies their node can announce for here; reads do not fill it in.
   */
  annotations?: Record<string, string>;
  /** `metadata.labels` to add on update (merged into the existing ones); reads do not fill it in. */
  labels?: Record<string, string>;
}

/**
 * Whether two records carry the same election state, ignoring `resourceVersion`. client-go
 * compares the serialized record, not the object version, to decide that it "saw a change"
 * and restart its local expiry timer; a label edit alone must not look like a renewal.
 */
export function sameElectionState(
  a: Omit<LeaseRecord, 'resourceVersion'>,
  b: Omit<LeaseRecord, 'resourceVersion'>,
): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTimeMs === b.acquireTimeMs &&
    a.renewTimeMs === b.renewTimeMs &&
    a.leaseTransitions === b.leaseTransitions
  );
}
