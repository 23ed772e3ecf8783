import type { LeaseRecord } from './lease-record.js';

/**
 * The three Lease calls the election makes; the seam between the pure state machine and the
 * API server. {@link K8sLeaseClient} talks to a real one, `FakeLeaseStore` stands in for tests.
 * Every call is one API request, so counting calls counts the control-plane cost.
 */
export interface LeaseClient {
  /** GET the lease; `null` on 404. Other failures throw. */
  get(namespace: string, name: string): Promise<LeaseRecord | null>;
  /** POST a new lease. Throws {@link LeaseConflictError} on 409 AlreadyExists. */
  create(
    namespace: string,
    name: string,
    rec: Omit<LeaseRecord, 'resourceVersion'>,
    labels?: Record<string, string>,
  ): Promise<LeaseRecord>;
  /** PUT the lease with `rec.resourceVersion`. Throws {@link LeaseConflictError} on 409 Conflict. */
  update(namespace: string, name: string, rec: LeaseRecord): Promise<LeaseRecord>;
}

/** Someone else wrote the lease first (HTTP 409: AlreadyExists on create, Conflict on update). */
export class LeaseConflictError extends Error {
  override name = 'LeaseConflictError';
}
