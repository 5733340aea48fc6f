/**
 * Records audit events. Two ways in: inside the caller's transaction (a key
 * change and its event commit together), or through the group-commit writer
 * for events that are the whole write (token issued or denied). Either way a
 * failed write rejects with AuditUnavailable, so the operation it records
 * fails with 503 instead of succeeding unrecorded.
 */
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { Tx } from '../database/transactions';
import { AuditUnavailable } from './audit-errors';
import type { AuditEventInput, AuditEventView } from './audit-event';
import { AuditRepository } from './audit.repository';
import { AuditWriter, EventRefused, type LiveSecretGuard } from './audit-writer';

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly repository: AuditRepository,
    private readonly writer: AuditWriter,
    private readonly clock: Clock,
  ) {}

  /** The caller's transaction must roll back if this rejects (it does when the error propagates out of Transactions.run). */
  async recordIn(tx: Tx, ...events: AuditEventInput[]): Promise<AuditEventView[]> {
    try {
      return await this.repository.append(tx, events, this.clock.now());
    } catch (err) {
      throw this.unavailable(events, err);
    }
  }

  /**
   * Takes the chain-head lock for the rest of `tx`: until `tx` ends, no event
   * is appended anywhere, and a guarded event (token.issued) appended after it
   * sees what `tx` committed. A key change that cuts off tokens calls this
   * after locking its key row (the order every key change takes its locks
   * in) and before it reads the clock for its cutoff: a token either
   * committed before, and its `iat` is before the cutoff, or is refused.
   */
  async holdOffAppends(tx: Tx): Promise<void> {
    await this.repository.lockHead(tx);
  }

  /** Resolves once the event is committed; with a guard, rejects with the guard's refusal if it refuses the event. */
  async record(event: AuditEventInput, guard?: LiveSecretGuard): Promise<AuditEventView> {
    try {
      return await this.writer.append(event, guard);
    } catch (err) {
      if (err instanceof EventRefused) throw err.refusal;
      throw this.unavailable([event], err);
    }
  }

  private unavailable(events: readonly AuditEventInput[], err: unknown): AuditUnavailable {
    if (err instanceof AuditUnavailable) return err;
    const what = events.map((e) => `${e.type}${e.requestId ? ` [${e.requestId}]` : ''}`).join(', ');
    const requestIds = new Set(events.map((e) => e.requestId));
    const [only] = requestIds;
    this.logger.error(
      requestIds.size === 1 && only ? { request_id: only } : {},
      `audit event not committed (${what}): ${err instanceof Error ? err.message : String(err)}`,
    );
    return new AuditUnavailable(err);
  }
}
