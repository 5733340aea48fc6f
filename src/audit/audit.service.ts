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
import { AuditWriter, EventRefused, type Guard } from './audit-writer';

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

  /** Resolves once the event is committed; with a guard, rejects with the guard's refusal if it refuses the event. */
  async record(event: AuditEventInput, guard?: Guard): Promise<AuditEventView> {
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
    this.logger.error(`audit event not committed (${what}): ${err instanceof Error ? err.message : String(err)}`);
    return new AuditUnavailable(err);
  }
}
