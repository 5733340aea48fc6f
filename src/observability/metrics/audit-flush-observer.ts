/**
 * The hook the audit writer reports each group commit to (metrics), kept as an
 * abstract class so the audit module needs no metrics library and works
 * without one (the CLI provides none).
 */
export abstract class AuditFlushObserver {
  /** Called once per group commit; must be cheap and must not throw. */
  abstract flushed(events: number, seconds: number, committed: boolean): void;
}
