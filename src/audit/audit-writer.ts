/**
 * Group commit for the hot path. Concurrent requests hand in their events;
 * while one batch is being committed the next requests' events gather, and
 * the next flush appends them all in one statement and one fsync. A caller's
 * promise settles only after its event is committed (or the batch failed),
 * so no response leaves ahead of its record.
 *
 * A batch is one round trip: the writer keeps the chain head its last batch
 * ended on, chains the rows onto it and sends them to `audit_append` in
 * autocommit, which writes them under the chain-head lock if they still
 * follow the head, and commits before it answers. If another writer (a key
 * change, another instance) moved the head, nothing was written and the
 * answer carries the new head: the batch is chained again and resent. After
 * a few such misses in a row (instances contending) the batch is appended in
 * a transaction that holds the lock from the read of the head to the commit,
 * which cannot miss.
 */
import { Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { AuditFlushObserver } from '../observability/metrics/audit-flush-observer';
import type { AuditEventInput, AuditEventView } from './audit-event';
import { type AppendOutcome, AuditRepository, type ChainHead, type LiveSecretRefusal } from './audit.repository';

/**
 * An event that may be appended only while an API secret is still usable:
 * checked under the chain-head lock, so a revoke or rotation that committed
 * first refuses it (see the AuditAppendFunction migration).
 */
export interface LiveSecretGuard {
  readonly secretId: string;
  /** The error the caller gets when the secret or its key can no longer be used. */
  refusal(reason: LiveSecretRefusal): Error;
}

/** The event's guard refused it: nothing was appended; `refusal` is the guard's error. */
export class EventRefused extends Error {
  constructor(readonly refusal: Error) {
    super(refusal.message);
  }
}

interface Pending {
  readonly event: AuditEventInput;
  readonly guard?: LiveSecretGuard;
  resolve(stored: AuditEventView): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;
/** Head misses in a row before a batch takes the lock for the whole append. */
const OPTIMISTIC_TRIES = 3;

@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** Where the last batch left the chain; null when unknown (start, or after a failed batch). */
  private head: ChainHead | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    @Optional() private readonly observer?: AuditFlushObserver,
  ) {}

  append(event: AuditEventInput, guard?: LiveSecretGuard): Promise<AuditEventView> {
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
      while (this.queue.length > 0) await this.flush(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.flushing = null;
    }
  }

  /** Never rejects: every event's caller hears the outcome. */
  private async flush(batch: readonly Pending[]): Promise<void> {
    const started = performance.now();
    let pending = batch;
    try {
      for (let misses = 0; pending.length > 0; ) {
        const now = this.clock.now();
        const locked = misses >= OPTIMISTIC_TRIES;
        const { stored, outcome } = locked ? await this.appendLocked(pending, now) : await this.appendOptimistic(pending, now);
        if (outcome.kind === 'refused') {
          const refused = new Set<Pending>();
          outcome.refusals.forEach((reason, i) => {
            const p = pending[i];
            if (reason && p?.guard) {
              refused.add(p);
              p.reject(new EventRefused(p.guard.refusal(reason)));
            }
          });
          if (refused.size === 0) throw new Error('audit_append refused a batch without naming a guarded event');
          pending = pending.filter((p) => !refused.has(p));
          continue;
        }
        this.head = outcome.head;
        if (outcome.kind === 'moved') {
          misses++;
          continue;
        }
        pending.forEach((p, i) => p.resolve(stored[i] as AuditEventView));
        this.observer?.flushed(pending.length, (performance.now() - started) / 1000, true);
        return;
      }
    } catch (err) {
      // Whether the statement committed is unknown: the head is read again before the next batch.
      this.head = null;
      this.observer?.flushed(pending.length, (performance.now() - started) / 1000, false);
      for (const p of pending) p.reject(err);
    }
  }

  /** One autocommit statement chained onto the head the writer believes current. */
  private async appendOptimistic(pending: readonly Pending[], now: Date): Promise<{ stored: AuditEventView[]; outcome: AppendOutcome }> {
    const sql = this.transactions.autocommit();
    this.head ??= await this.repository.readHead(sql);
    const stored = this.repository.chain(this.head, pending.map((p) => p.event), now);
    return { stored, outcome: await this.repository.appendChained(sql, stored, liveSecrets(pending), now) };
  }

  /** In a transaction that holds the chain-head lock from reading the head to the commit: the head cannot move. */
  private appendLocked(pending: readonly Pending[], now: Date): Promise<{ stored: AuditEventView[]; outcome: AppendOutcome }> {
    return this.transactions.run(async (tx) => {
      const stored = this.repository.chain(await this.repository.lockHead(tx), pending.map((p) => p.event), now);
      return { stored, outcome: await this.repository.appendChained(tx, stored, liveSecrets(pending), now) };
    });
  }
}

function liveSecrets(pending: readonly Pending[]): (string | null)[] | null {
  return pending.some((p) => p.guard) ? pending.map((p) => p.guard?.secretId ?? null) : null;
}
