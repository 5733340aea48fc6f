/**
 * Records `key.expired` exactly once per key, as soon as anyone notices: a
 * periodic sweep (one instance at a time, under an advisory lock) and the
 * first token request that meets the expired key. Both go through the same
 * conditional update of `expired_event_at`, in the event's own transaction,
 * so however many instances and requests race, one event is written.
 */
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Transactions, type Tx } from '../database/transactions';
import { keyEvent } from './key-events';
import { type ExpiredKey, KeysRepository } from './keys.repository';
import { settleWithin, SHUTDOWN_WAIT_MS } from './shutdown-wait';

const SWEEP_MS = 30_000;
const SWEEP_BATCH = 200;
const SYSTEM = { clientId: null, context: { ip: null, userAgent: 'wagmix-auth (key expiry)', requestId: 'key-expiry' } } as const;

@Injectable()
export class KeyExpiryService {
  constructor(
    private readonly repository: KeysRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Records the events of keys that have expired since the last sweep; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.transactions.run(async (tx) => {
        if (!(await this.repository.tryLockExpirySweep(tx))) return 0;
        return this.record(tx, await this.repository.markExpired(tx, this.clock.now(), { limit: SWEEP_BATCH }));
      });
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }

  /** Called when a token request meets an expired key whose event may still be missing. */
  async recordOnce(clientId: string): Promise<boolean> {
    return this.transactions.run(async (tx) => (await this.record(tx, await this.repository.markExpired(tx, this.clock.now(), { clientId }))) > 0);
  }

  private async record(tx: Tx, keys: readonly ExpiredKey[]): Promise<number> {
    if (keys.length === 0) return 0;
    await this.audit.recordIn(tx, ...keys.map((k) => keyEvent('key.expired', SYSTEM, k, { expires_at: k.expiresAt.toISOString() }, 'expired')));
    return keys.length;
  }
}

/** Runs the sweep in the serving app (not in the CLI): every 30 s, on an unref'd timer. */
@Injectable()
export class KeyExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KeyExpiry');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly expiry: KeyExpiryService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), SWEEP_MS);
    this.timer.unref();
  }

  // Before, not on, shutdown: the data source closes in the onApplicationShutdown phase.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.running) await settleWithin(this.running, SHUTDOWN_WAIT_MS); // the next sweep, anywhere, redoes what this one did not finish
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.expiry
      .sweep()
      .catch((err: unknown) => this.logger.warn(`key expiry sweep failed: ${String(err)}`))
      .finally(() => (this.running = undefined));
  }
}
