/**
 * Shared counters for throttling: the storage behind @nestjs/throttler (the
 * per-key request rate) and the lockout of failed client authentications.
 * In process by default; in Redis when REDIS_URL is set, so every instance
 * sees the same counts.
 */
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

export interface LockoutPolicy {
  /** Failures tolerated in the window before the first block. */
  readonly threshold: number;
  readonly windowMs: number;
  /** First block; each further failure doubles it, up to maxBlockMs. */
  readonly baseBlockMs: number;
  readonly maxBlockMs: number;
}

export abstract class RateLimitStore implements ThrottlerStorage {
  abstract increment(key: string, ttlMs: number, limit: number, blockDurationMs: number, throttlerName: string): Promise<ThrottlerStorageRecord>;

  /** Milliseconds the key stays blocked (0: not blocked). */
  abstract blockedForMs(key: string): Promise<number>;

  /** Counts a failure; returns the block it caused in ms (0: none yet). */
  abstract recordFailure(key: string, policy: LockoutPolicy): Promise<number>;

  abstract clearFailures(key: string): Promise<void>;

  abstract close(): Promise<void>;
}

/** The block after the n-th failure in a window: none below the threshold, then doubling. */
export function blockAfter(failures: number, p: LockoutPolicy): number {
  if (failures < p.threshold) return 0;
  return Math.min(p.maxBlockMs, p.baseBlockMs * 2 ** Math.min(30, failures - p.threshold));
}
