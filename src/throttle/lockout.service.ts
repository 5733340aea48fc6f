/**
 * Brute-force protection for client authentication (RFC 6749 §2.3.1): failed
 * attempts are counted per (client_id, source address), and past a threshold
 * that pair is blocked for a time that doubles with each further failure. The
 * same key from its other addresses keeps working, so a stranger who knows a
 * client_id cannot lock its owner out.
 */
import { Injectable } from '@nestjs/common';
import { RateLimited } from '../common/errors/oauth-error';
import { AppConfig } from '../config/app-config';
import { RateLimitStore } from './rate-limit-store';

@Injectable()
export class LockoutService {
  constructor(
    private readonly store: RateLimitStore,
    private readonly config: AppConfig,
  ) {}

  /** Throws 429 temporarily_unavailable (audit reason rate_limited) while the pair is blocked. */
  async assertNotLocked(clientId: string, ip: string): Promise<void> {
    const ms = await this.store.blockedForMs(pairKey(clientId, ip));
    if (ms > 0) throw locked(ms);
  }

  async recordFailure(clientId: string, ip: string): Promise<void> {
    await this.store.recordFailure(pairKey(clientId, ip), this.config.lockout);
  }

  async recordSuccess(clientId: string, ip: string): Promise<void> {
    await this.store.clearFailures(pairKey(clientId, ip));
  }
}

function pairKey(clientId: string, ip: string): string {
  return `${clientId}\u0000${ip}`;
}

function locked(ms: number): RateLimited {
  return new RateLimited('Too many failed attempts; retry later', ms / 1000);
}
