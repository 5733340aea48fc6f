/**
 * Group commit for the hot path. Concurrent requests hand in their events;
 * while one transaction is committing, the next requests' events gather, and
 * the next flush appends them all under one chain-head lock and one fsync.
 * A caller's promise settles only after its event is committed (or the batch
 * failed), so no response leaves ahead of its record.
 *
 * A batch is three round trips on a bare connection: BEGIN with the
 * chain-head lock, the preconditions' reads, then the rows and the new head
 * in one statement, and COMMIT (the preconditions' round trip only when a
 * batch has guarded events). Once a batch holds the lock, the next one may
 * start: its lock request then waits in PostgreSQL, not in Node, and it goes
 * ahead the moment the previous COMMIT releases the lock.
 */
import { Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { type OpenTx, type Sql, Transactions } from '../database/transactions';
import { AuditFlushObserver } from '../observability/metrics/audit-flush-observer';
import type { AuditEventInput, AuditEventView } from './audit-event';
import { AuditRepository, LOCK_CHAIN_HEAD } from './audit.repository';

/**
 * A check run inside the batch's transaction before its events are appended,
 * once per batch for all the events it guards: for each subject, null to go
 * ahead or the error that event's caller gets instead (its event is then not
 * appended). It runs while the batch holds the chain-head lock, in statements
 * that start after the lock was taken, so it sees every change committed by
 * a writer that held the lock before. The token endpoint uses it to re-check
 * the key, so a revoke that commits first is never followed by a token.issued.
 */
export interface BatchPrecondition<S> {
  check(sql: Sql, subjects: readonly S[]): Promise<readonly (Error | null)[]>;
}

export interface Guard<S = unknown> {
  readonly precondition: BatchPrecondition<S>;
  readonly subject: S;
}

/** The event's precondition refused it: nothing was appended; `refusal` is the precondition's error. */
export class EventRefused extends Error {
  constructor(readonly refusal: Error) {
    super(refusal.message);
  }
}

interface Pending {
  readonly event: AuditEventInput;
  readonly guard?: Guard;
  resolve(stored: AuditEventView): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;
// One batch committing and one waiting for its lock: a third could only wait behind the second.
const MAX_IN_FLIGHT = 2;

@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** A batch that does not hold the lock yet: the next one starts only once it does. */
  private starting = false;

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    @Optional() private readonly observer?: AuditFlushObserver,
  ) {}

  append(event: AuditEventInput, guard?: Guard): Promise<AuditEventView> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, guard, resolve, reject });
      this.startBatch();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private startBatch(): void {
    if (this.starting || this.queue.length === 0 || this.inFlight.size >= MAX_IN_FLIGHT) return;
    this.starting = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    const locked = () => {
      this.starting = false;
      this.startBatch();
    };
    const flushed = this.flush(batch, locked).finally(() => {
      this.inFlight.delete(flushed);
      this.startBatch();
    });
    this.inFlight.add(flushed);
  }

  /** Never rejects: every event's caller hears the outcome. Calls `locked` once, when the batch holds the lock or has failed. */
  private async flush(batch: readonly Pending[], locked: () => void): Promise<void> {
    const started = performance.now();
    let tx: OpenTx | undefined;
    try {
      const opened = await this.transactions.begin(LOCK_CHAIN_HEAD).finally(locked);
      tx = opened.tx;
      const head = this.repository.head(opened.rows);
      const refused = await checkGuards(tx, batch);
      const accepted = batch.filter((p) => !refused.has(p));
      const stored = await this.repository.appendAfter(
        tx,
        head,
        accepted.map((p) => p.event),
        this.clock.now(),
      );
      await tx.commit();
      accepted.forEach((p, i) => p.resolve(stored[i] as AuditEventView));
      for (const [p, refusal] of refused) p.reject(new EventRefused(refusal));
      this.observer?.flushed(accepted.length, (performance.now() - started) / 1000, true);
    } catch (err) {
      // The first error is the one callers hear; a failed rollback only means the pool discards the connection.
      await tx?.rollback().catch(() => undefined);
      this.observer?.flushed(batch.length, (performance.now() - started) / 1000, false);
      for (const p of batch) p.reject(err);
    }
  }
}

/** Runs each precondition once for the events it guards; returns the refused ones with their refusals. */
async function checkGuards(sql: Sql, batch: readonly Pending[]): Promise<Map<Pending, Error>> {
  const refused = new Map<Pending, Error>();
  const byPrecondition = new Map<BatchPrecondition<unknown>, Pending[]>();
  for (const p of batch) {
    if (!p.guard) continue;
    const guarded = byPrecondition.get(p.guard.precondition);
    if (guarded) guarded.push(p);
    else byPrecondition.set(p.guard.precondition, [p]);
  }
  for (const [precondition, guarded] of byPrecondition) {
    const verdicts = await precondition.check(sql, guarded.map((p) => p.guard?.subject));
    guarded.forEach((p, i) => {
      const refusal = verdicts[i];
      if (refusal) refused.set(p, refusal);
    });
  }
  return refused;
}
