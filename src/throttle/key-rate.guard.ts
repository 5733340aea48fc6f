/**
 * The per-key request rate, through @nestjs/throttler. It runs after client
 * authentication and counts per authenticated key, so requests made with a
 * wrong secret cannot spend the owner's allowance.
 */
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { THROTTLER_LIMIT, THROTTLER_SKIP } from '@nestjs/throttler/dist/throttler.constants';
import { RateLimited } from '../common/errors/oauth-error';
import { RouteMemo } from '../common/http/route-memo';

export const TOKEN_THROTTLER = 'token';
export const INTROSPECTION_THROTTLER = 'introspection';
/** The limit of a throttler configured off (a rate of 0): one no one reaches. */
export const UNLIMITED = Number.MAX_SAFE_INTEGER;

@Injectable()
export class KeyRateGuard extends ThrottlerGuard {
  /**
   * Whether any throttler can refuse the route: one not skipped there, with a
   * limit set on the route or a configured one that is not UNLIMITED. When
   * none can, counting would only cost a store round trip (Redis, when set) and
   * a SHA-256 of the key per request, to answer yes.
   */
  private readonly limited = new RouteMemo<boolean>((targets) =>
    this.throttlers.some(
      ({ name, limit }) =>
        !this.reflector.getAllAndOverride<boolean>(THROTTLER_SKIP + String(name), targets) &&
        (this.reflector.getAllAndOverride<unknown>(THROTTLER_LIMIT + String(name), targets) !== undefined || limit !== UNLIMITED),
    ),
  );

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    return this.limited.of(context) ? super.canActivate(context) : true;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const client = req.client as { clientId?: string } | undefined;
    return client?.clientId ?? 'unauthenticated';
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimited('Request rate limit of this API key exceeded; retry later', detail.timeToBlockExpire);
  }
}
