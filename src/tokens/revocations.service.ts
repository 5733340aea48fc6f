/**
 * Revocation, known to every instance within a moment and checked with no
 * database read per request: writes go to `token_revocations` and out through
 * NOTIFY in the same transaction; each instance applies notifications to its
 * RevocationState, and rebuilds the whole state at start and after every lost
 * LISTEN connection (so a missed notification cannot linger).
 */
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { NotificationListener } from '../database/notification-listener';
import type { Tx } from '../database/transactions';
import { type RevocationEntry, RevocationState, type TokenIdentity } from './revocation-state';
import { REVOCATIONS_CHANNEL, RevocationsRepository } from './revocations.repository';

const PRUNE_MS = 60_000;

@Injectable()
export class RevocationsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationsService.name);
  private readonly state = new RevocationState();
  private listener: NotificationListener | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: RevocationsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.listener = new NotificationListener(this.repository.connectionUrl(), REVOCATIONS_CHANNEL, {
      onConnected: async () => this.state.replaceAll(await this.repository.findLive()),
      onMessage: (payload) => this.onNotification(payload),
    });
    await this.listener.start();
    this.pruneTimer = setInterval(() => {
      this.state.prune(this.clock.now().getTime());
      this.repository.deleteExpired().catch((err: unknown) => this.logger.warn(`expired revocations not deleted: ${String(err)}`));
    }, PRUNE_MS);
    this.pruneTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.listener?.stop();
  }

  /** True while the LISTEN connection is up: readiness reports it. */
  get isListening(): boolean {
    return this.listener?.isListening ?? false;
  }

  isRevoked(token: TokenIdentity): boolean {
    return this.state.isRevoked(token);
  }

  /** Revokes one token until its own expiry. */
  async revokeToken(tx: Tx, jti: string, expiresAtSeconds: number, reason: string | null): Promise<void> {
    await this.write(tx, { kind: 'token', subject: jti, revokedAt: this.clock.now().getTime(), expiresAt: expiresAtSeconds * 1000 }, reason);
  }

  /** Revokes every token of the key issued up to now. */
  async revokeKey(tx: Tx, clientId: string, reason: string | null): Promise<void> {
    await this.write(tx, this.everyTokenUntilNow('key', clientId), reason);
  }

  /** Revokes every token minted with this secret up to now. */
  async revokeSecret(tx: Tx, secretId: string, reason: string | null): Promise<void> {
    await this.write(tx, this.everyTokenUntilNow('secret', secretId), reason);
  }

  private everyTokenUntilNow(kind: 'key' | 'secret', subject: string): RevocationEntry {
    const now = this.clock.now().getTime();
    // Any token this could match expires within the longest lifetime (plus the guard's skew).
    return { kind, subject, revokedAt: now, expiresAt: now + (this.config.tokenTtlMaxSeconds + this.config.clockSkewSeconds + 60) * 1000 };
  }

  private async write(tx: Tx, entry: RevocationEntry, reason: string | null): Promise<void> {
    await this.repository.insert(tx, entry, reason);
    // Applied locally at once: a caller that revokes and then retries the token on this instance
    // must see it refused. Should `tx` roll back, this instance over-revokes until its next rebuild,
    // which errs on the safe side.
    this.state.apply(entry);
  }

  private onNotification(payload: string): void {
    try {
      const e = JSON.parse(payload) as RevocationEntry;
      if ((e.kind === 'token' || e.kind === 'key' || e.kind === 'secret') && typeof e.subject === 'string') this.state.apply(e);
    } catch {
      this.logger.warn('ignored a malformed revocation notification');
    }
  }
}
