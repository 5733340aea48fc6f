/**
 * An audit event that could not be committed. Whatever the cause (the store
 * went away, a lock timed out, a disk filled up), the operation it records
 * must not succeed unrecorded, and the caller should retry later: the HTTP
 * layer answers 503 (`storeUnavailable`, see src/database/store-errors.ts).
 */
export class AuditUnavailable extends Error {
  /** Read by isStoreUnavailable(): this failure is a 503, not a 500. */
  readonly storeUnavailable = true;

  constructor(cause: unknown) {
    super(`the audit event could not be committed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'AuditUnavailable';
  }
}
