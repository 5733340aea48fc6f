/**
 * AUDIT_RETENTION_DAYS: once an hour (and shortly after start), remove whole
 * UTC days of events older than the retention, oldest day first, one day per
 * transaction, each recorded as an `audit.pruned` event carrying the chain
 * checkpoint so the remaining chain still verifies. An advisory lock makes
 * one instance do it; the others skip that round.
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { AuditPruneRepository } from './audit-prune.repository';
import { AuditService } from './audit.service';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const FIRST_RUN_DELAY_MS = 60_000;
/** Days removed per round at most, so a long backlog is worked off in bounded transactions over a few rounds. */
const MAX_DAYS_PER_ROUND = 31;

export interface PruneRound {
  readonly days: number;
  readonly removed: number;
}

@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRetention.name);
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<PruneRound> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly repository: AuditPruneRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auditRetentionDays === undefined) return;
    // unref: a pending prune must never keep a stopping process alive.
    this.timers.push(setTimeout(() => this.tick(), FIRST_RUN_DELAY_MS).unref(), setInterval(() => this.tick(), HOUR_MS).unref());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.running?.catch(() => undefined);
  }

  /** One round now (also what the timer runs). Resolves to what was removed; nothing when retention is off. */
  runOnce(): Promise<PruneRound> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private tick(): void {
    this.runOnce().then(
      (r) => r.days > 0 && this.logger.log(`audit retention removed ${r.removed} events (${r.days} day(s))`),
      (err: unknown) => this.logger.error(`audit retention failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private async round(): Promise<PruneRound> {
    const days = this.config.auditRetentionDays;
    if (days === undefined) return { days: 0, removed: 0 };
    const now = this.clock.now().getTime();
    const boundary = new Date(Math.floor(now / DAY_MS) * DAY_MS - days * DAY_MS);
    let total = { days: 0, removed: 0 };
    while (total.days < MAX_DAYS_PER_ROUND) {
      const removed = await this.transactions.run(async (tx) => {
        if (!(await this.repository.tryLock(tx))) return null;
        const oldest = await this.repository.oldestDay(tx);
        if (oldest === null || oldest.getTime() >= boundary.getTime()) return null;
        const before = new Date(Math.min(oldest.getTime() + DAY_MS, boundary.getTime()));
        const checkpoint = await this.repository.prune(tx, before);
        if (checkpoint === null) return null;
        await this.audit.recordIn(tx, {
          type: 'audit.pruned',
          outcome: 'success',
          actor: {},
          reason: 'retention',
          data: {
            before: before.toISOString(),
            retention_days: days,
            removed: checkpoint.removed,
            through_id: checkpoint.throughId,
            through_hash: checkpoint.throughHash,
          },
        });
        return checkpoint.removed;
      });
      if (removed === null) break;
      total = { days: total.days + 1, removed: total.removed + removed };
    }
    return total;
  }
}
