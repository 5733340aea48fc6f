/**
 * Records audit events. Two ways in: inside the caller's transaction (a key
 * change and its event commit together), or through the group-commit writer
 * for events that are the whole write (token issued or denied).
 */
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { Tx } from '../database/transactions';
import type { AuditEventInput, AuditEventView } from './audit-event';
import { AuditRepository } from './audit.repository';
import { AuditWriter } from './audit-writer';

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly writer: AuditWriter,
    private readonly clock: Clock,
  ) {}

  recordIn(tx: Tx, ...events: AuditEventInput[]): Promise<AuditEventView[]> {
    return this.repository.append(tx, events, this.clock.now());
  }

  /** Resolves once the event is committed. */
  record(event: AuditEventInput): Promise<AuditEventView> {
    return this.writer.append(event);
  }
}
