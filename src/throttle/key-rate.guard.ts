/**
 * The per-key request rate, through @nestjs/throttler. It runs after client
 * authentication and counts per authenticated key, so requests made with a
 * wrong secret cannot spend the owner's allowance.
 */
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimited } from '../common/errors/oauth-error';

export const TOKEN_THROTTLER = 'token';
export const INTROSPECTION_THROTTLER = 'introspection';

@Injectable()
export class KeyRateGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const client = req.client as { clientId?: string } | undefined;
    return client?.clientId ?? 'unauthenticated';
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimited('Request rate limit of this API key exceeded; retry later', detail.timeToBlockExpire);
  }
}
