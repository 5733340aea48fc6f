/**
 * Group commit for the hot path. Concurrent requests hand in their events;
 * while one transaction is committing, the next requests' events gather, and
 * the next flush appends them all under one chain-head lock and one fsync.
 * A caller's promise settles only after its event is committed (or the batch
 * failed), so no response leaves ahead of its record.
 */
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import type { AuditEventInput, AuditEventView } from './audit-event';
import { AuditRepository } from './audit.repository';

interface Pending {
  readonly event: AuditEventInput;
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
  ) {}

  append(event: AuditEventInput): Promise<AuditEventView> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
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
        try {
          const stored = await this.transactions.run((tx) =>
            this.repository.append(
              tx,
              batch.map((p) => p.event),
              this.clock.now(),
            ),
          );
          batch.forEach((p, i) => p.resolve(stored[i] as AuditEventView));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
