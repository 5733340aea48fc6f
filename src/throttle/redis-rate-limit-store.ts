/**
 * RateLimitStore in Redis, so limits hold across instances. Each operation is
 * one Lua script (atomic). If Redis is unreachable the store fails open: a
 * throttling outage must not become an authentication outage; it is logged.
 */
import { Logger } from '@nestjs/common';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { type LockoutPolicy, RateLimitStore } from './rate-limit-store';

const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {hits, ttl, 1, blocked} end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}`;

const FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local threshold = tonumber(ARGV[2])
if n < threshold then return 0 end
local ms = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ math.min(30, n - threshold))
redis.call('SET', KEYS[2], '1', 'PX', math.floor(ms))
redis.call('PEXPIRE', KEYS[1], math.floor(ms) + tonumber(ARGV[1]))
return math.floor(ms)`;

export class RedisRateLimitStore extends RateLimitStore {
  private readonly logger = new Logger(RedisRateLimitStore.name);
  private readonly redis: Redis;

  constructor(url: string) {
    super();
    // No offline queue and one retry: when Redis is away, answer at once (fail open) instead of queueing.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, lazyConnect: false });
    this.redis.on('error', (err: Error) => this.logger.warn(`redis: ${err.message}`));
  }

  async increment(key: string, ttlMs: number, limit: number, blockDurationMs: number): Promise<ThrottlerStorageRecord> {
    const k = name('rate', key);
    try {
      const [hits, ttl, blocked, blockTtl] = (await this.redis.eval(INCREMENT, 2, k, `${k}:b`, ttlMs, limit, blockDurationMs)) as number[];
      return {
        totalHits: hits ?? 0,
        timeToExpire: Math.max(0, Math.ceil((ttl ?? 0) / 1000)),
        isBlocked: blocked === 1,
        timeToBlockExpire: blocked === 1 ? Math.max(1, Math.ceil((blockTtl ?? 0) / 1000)) : 0,
      };
    } catch (err) {
      this.failOpen(err);
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async blockedForMs(key: string): Promise<number> {
    try {
      return Math.max(0, await this.redis.pttl(`${name('fail', key)}:b`));
    } catch (err) {
      this.failOpen(err);
      return 0;
    }
  }

  async recordFailure(key: string, p: LockoutPolicy): Promise<number> {
    const k = name('fail', key);
    try {
      return Number(await this.redis.eval(FAILURE, 2, k, `${k}:b`, p.windowMs, p.threshold, p.baseBlockMs, p.maxBlockMs));
    } catch (err) {
      this.failOpen(err);
      return 0;
    }
  }

  async clearFailures(key: string): Promise<void> {
    const k = name('fail', key);
    await this.redis.del(k, `${k}:b`).catch((err: unknown) => this.failOpen(err));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private failOpen(err: unknown): void {
    this.logger.warn(`rate limits not enforced, Redis unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Keys of bounded length whatever the client sends as client_id. */
function name(kind: string, key: string): string {
  return `wagmix:${kind}:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
}
