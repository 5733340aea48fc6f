/**
 * Keys as client authentication reads them, cached in memory so a token
 * request costs no database read. An entry is dropped when its key changes
 * (the `wagmix_keys` notification a trigger sends for every change, from any
 * instance, the CLI or plain SQL) and the whole cache when the LISTEN
 * connection is lost. A stale entry for a few milliseconds cannot issue a
 * token for a revoked key or secret: issuance re-checks both in the
 * transaction that commits the token (see issuance-check.ts).
 */
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { NotificationListener } from '../database/notification-listener';
import { type KeyForAuth, KeysRepository } from './keys.repository';

export const KEYS_CHANNEL = 'wagmix_keys';
const MAX_ENTRIES = 100_000;

@Injectable()
export class KeyAuthCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, KeyForAuth>();
  /** Bumped on every invalidation: a load that overlapped one is not stored. */
  private epoch = 0;
  private listener: NotificationListener | undefined;

  constructor(private readonly repository: KeysRepository) {}

  async onModuleInit(): Promise<void> {
    this.listener = new NotificationListener(this.repository.connectionUrl(), KEYS_CHANNEL, {
      onConnected: async () => this.clear(),
      onMessage: (clientId) => {
        this.epoch++;
        this.entries.delete(clientId);
      },
    });
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }

  async find(clientId: string): Promise<KeyForAuth | null> {
    // While not listening, changes could be missed: read through (the cache is rebuilt on reconnect).
    const hit = this.listener?.isListening ? this.entries.get(clientId) : undefined;
    if (hit) return hit;
    const epoch = this.epoch;
    const found = await this.repository.findForAuth(clientId);
    // Only while listening: without notifications an entry could outlive a change.
    if (found && epoch === this.epoch && this.listener?.isListening) {
      if (this.entries.size >= MAX_ENTRIES) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(clientId, found);
    }
    return found;
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
