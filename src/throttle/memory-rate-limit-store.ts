/**
 * In-process RateLimitStore for a single instance. Bounded: an attacker
 * inventing client ids cannot grow it without limit (oldest entries go first).
 */
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { blockAfter, type LockoutPolicy, RateLimitStore } from './rate-limit-store';

interface Counter {
  count: number;
  expiresAt: number;
  blockedUntil: number;
}

const MAX_ENTRIES = 100_000;

export class MemoryRateLimitStore extends RateLimitStore {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async increment(key: string, ttlMs: number, limit: number, blockDurationMs: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const c = this.counter(`rate:${key}`, ttlMs, now);
    if (c.blockedUntil > now) return record(c, now, true);
    c.count++;
    if (c.count > limit) {
      c.blockedUntil = now + blockDurationMs;
      return record(c, now, true);
    }
    return record(c, now, false);
  }

  async blockedForMs(key: string): Promise<number> {
    const c = this.counters.get(`fail:${key}`);
    return c ? Math.max(0, c.blockedUntil - this.now()) : 0;
  }

  async recordFailure(key: string, policy: LockoutPolicy): Promise<number> {
    const now = this.now();
    const c = this.counter(`fail:${key}`, policy.windowMs, now);
    c.count++;
    const block = blockAfter(c.count, policy);
    if (block > 0) {
      c.blockedUntil = now + block;
      c.expiresAt = Math.max(c.expiresAt, c.blockedUntil + policy.windowMs);
    }
    return block;
  }

  async clearFailures(key: string): Promise<void> {
    this.counters.delete(`fail:${key}`);
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  private counter(key: string, ttlMs: number, now: number): Counter {
    let c = this.counters.get(key);
    if (c && c.expiresAt <= now && c.blockedUntil <= now) {
      this.counters.delete(key);
      c = undefined;
    }
    if (!c) {
      if (this.counters.size >= MAX_ENTRIES) {
        const oldest = this.counters.keys().next();
        if (!oldest.done) this.counters.delete(oldest.value);
      }
      c = { count: 0, expiresAt: now + ttlMs, blockedUntil: 0 };
      this.counters.set(key, c);
    }
    return c;
  }
}

function record(c: Counter, now: number, isBlocked: boolean): ThrottlerStorageRecord {
  return {
    totalHits: c.count,
    timeToExpire: Math.max(0, Math.ceil((c.expiresAt - now) / 1000)),
    isBlocked,
    timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil((c.blockedUntil - now) / 1000)) : 0,
  };
}
