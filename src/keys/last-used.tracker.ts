/**
 * Last use of each key and secret (time and source address), kept without a
 * database write per token. Each instance notes uses in memory and writes the
 * dirty ones in one batched statement per table every 15 s and at shutdown.
 * A key is marked dirty only when its stored time (as authentication just
 * read it) is a minute old or more, and this instance has not written it in
 * the last minute: so at most one write per key per minute per instance, and
 * last_used_at is accurate to about a minute, which is what it is for.
 */
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { KeySecretsRepository, type LastUsedRow } from './key-secrets.repository';
import { settleWithin, SHUTDOWN_WAIT_MS } from './shutdown-wait';

export const LAST_USED_RESOLUTION_MS = 60_000;
const FLUSH_MS = 15_000;

export interface Use {
  readonly clientId: string;
  readonly secretId: string;
  readonly ip: string;
  /** The stored values authentication read with the key. */
  readonly keyLastUsedAt: Date | null;
  readonly secretLastUsedAt: Date | null;
}

interface Pending {
  at: Date;
  ip: string;
  readonly secrets: Map<string, { at: Date; ip: string }>;
}

@Injectable()
export class LastUsedTracker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LastUsed');
  private pending = new Map<string, Pending>();
  /** When this instance last wrote each key: the once-a-minute limit holds even before its own write is read back. */
  private readonly written = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<number> | undefined;

  constructor(
    private readonly repository: KeySecretsRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  // Before, not on, shutdown: the data source closes in the onApplicationShutdown phase.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const last = async () => {
      await this.flushing; // one in flight, then what was noted meanwhile: one attempt, no retry
      if (this.pending.size > 0) await this.flush();
    };
    await settleWithin(last(), SHUTDOWN_WAIT_MS);
  }

  note(use: Use): void {
    const now = this.clock.now();
    const entry = this.pending.get(use.clientId);
    if (entry) {
      // Already due to be written: keep the latest values, no extra write.
      entry.at = now;
      entry.ip = use.ip;
      entry.secrets.set(use.secretId, { at: now, ip: use.ip });
      return;
    }
    const stale = (d: Date | null) => d === null || now.getTime() - d.getTime() >= LAST_USED_RESOLUTION_MS;
    if (!stale(use.keyLastUsedAt) && !stale(use.secretLastUsedAt)) return;
    const wroteAt = this.written.get(use.clientId);
    if (wroteAt !== undefined && now.getTime() - wroteAt < LAST_USED_RESOLUTION_MS) return;
    this.pending.set(use.clientId, { at: now, ip: use.ip, secrets: new Map([[use.secretId, { at: now, ip: use.ip }]]) });
  }

  /** Writes every dirty entry; returns how many keys were written. Failed entries are kept for the next flush. */
  flush(): Promise<number> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<number> {
    const batch = this.pending;
    if (batch.size === 0) return 0;
    this.pending = new Map();
    const keys: LastUsedRow[] = [];
    const secrets: LastUsedRow[] = [];
    for (const [clientId, p] of batch) {
      keys.push({ id: clientId, at: p.at, ip: p.ip });
      for (const [secretId, s] of p.secrets) secrets.push({ id: secretId, at: s.at, ip: s.ip });
    }
    try {
      await this.repository.writeLastUsed(keys, secrets);
    } catch (err) {
      for (const [clientId, p] of batch) if (!this.pending.has(clientId)) this.pending.set(clientId, p);
      this.logger.warn(`last-used times not written (${batch.size} keys, kept for the next attempt): ${String(err)}`);
      return 0;
    }
    const now = this.clock.now().getTime();
    for (const [clientId, wroteAt] of this.written) if (now - wroteAt >= LAST_USED_RESOLUTION_MS) this.written.delete(clientId);
    for (const clientId of batch.keys()) this.written.set(clientId, now);
    return batch.size;
  }
}
