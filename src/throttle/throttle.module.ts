/**
 * Throttling: one RateLimitStore (Redis when REDIS_URL is set, in process
 * otherwise) behind both @nestjs/throttler and the lockout of failed client
 * authentications.
 */
import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { KeyRateGuard, INTROSPECTION_THROTTLER, TOKEN_THROTTLER, UNLIMITED } from './key-rate.guard';
import { LockoutService } from './lockout.service';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { RateLimitStore } from './rate-limit-store';
import { RedisRateLimitStore } from './redis-rate-limit-store';

const MINUTE_MS = 60_000;
// A limit of 0 means "off": a limit no one reaches, and KeyRateGuard then does not count at all.
const limitOf = (perMinute: number) => (perMinute > 0 ? perMinute : UNLIMITED);

@Module({
  providers: [
    {
      provide: RateLimitStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig): RateLimitStore => (config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore()),
    },
  ],
  exports: [RateLimitStore],
})
class RateLimitStoreModule {}

@Global()
@Module({
  imports: [
    RateLimitStoreModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStoreModule],
      inject: [AppConfig, RateLimitStore],
      useFactory: (config: AppConfig, store: RateLimitStore) => ({
        storage: store,
        throttlers: [
          { name: TOKEN_THROTTLER, ttl: MINUTE_MS, limit: limitOf(config.rateLimits.tokenPerMinute), blockDuration: 10_000 },
          { name: INTROSPECTION_THROTTLER, ttl: MINUTE_MS, limit: limitOf(config.rateLimits.introspectionPerMinute), blockDuration: 1_000 },
        ],
      }),
    }),
  ],
  providers: [LockoutService, KeyRateGuard],
  exports: [RateLimitStoreModule, LockoutService, KeyRateGuard, ThrottlerModule],
})
export class ThrottleModule implements OnApplicationShutdown {
  constructor(private readonly store: RateLimitStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
