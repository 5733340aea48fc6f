/**
 * Group commit for the hot path. Concurrent requests hand in their events;
 * while one transaction is committing, the next requests' events gather, and
 * the next flush appends them all under one chain-head lock and one fsync.
 * A caller's promise settles only after its event is committed (or the batch
 * failed), so no response leaves ahead of its record.
 */
import { Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions, type Tx } from '../database/transactions';
import { AuditFlushObserver } from '../observability/metrics/audit-flush-observer';
import type { AuditEventInput, AuditEventView } from './audit-event';
import { AuditRepository } from './audit.repository';

/**
 * A check run inside the batch's transaction before its events are appended,
 * once per batch for all the events it guards: for each subject, null to go
 * ahead or the error that event's caller gets instead (its event is then not
 * appended). The token endpoint uses it to re-check the key under a share
 * lock, so a revoke that commits first is never followed by a token.issued.
 */
export interface BatchPrecondition<S> {
  check(tx: Tx, subjects: readonly S[]): Promise<readonly (Error | null)[]>;
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

@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    @Optional() private readonly observer?: AuditFlushObserver,
  ) {}

  append(event: AuditEventInput, guard?: Guard): Promise<AuditEventView> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, guard, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const started = performance.now();
        try {
          const refused = new Map<Pending, Error>();
          const accepted: Pending[] = [];
          const stored = await this.transactions.run(async (tx) => {
            refused.clear();
            accepted.length = 0;
            await checkGuards(tx, batch, refused);
            accepted.push(...batch.filter((p) => !refused.has(p)));
            return this.repository.append(
              tx,
              accepted.map((p) => p.event),
              this.clock.now(),
            );
          });
          accepted.forEach((p, i) => p.resolve(stored[i] as AuditEventView));
          for (const [p, refusal] of refused) p.reject(new EventRefused(refusal));
          this.observer?.flushed(accepted.length, (performance.now() - started) / 1000, true);
        } catch (err) {
          this.observer?.flushed(batch.length, (performance.now() - started) / 1000, false);
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}

/** Runs each precondition once for the events it guards; puts the refused ones in `refused`. */
async function checkGuards(tx: Tx, batch: readonly Pending[], refused: Map<Pending, Error>): Promise<void> {
  const byPrecondition = new Map<BatchPrecondition<unknown>, Pending[]>();
  for (const p of batch) if (p.guard) byPrecondition.set(p.guard.precondition, [...(byPrecondition.get(p.guard.precondition) ?? []), p]);
  for (const [precondition, guarded] of byPrecondition) {
    const verdicts = await precondition.check(tx, guarded.map((p) => p.guard?.subject));
    guarded.forEach((p, i) => {
      const refusal = verdicts[i];
      if (refusal) refused.set(p, refusal);
    });
  }
}
