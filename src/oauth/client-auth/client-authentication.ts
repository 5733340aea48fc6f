/**
 * Client authentication as the OAuth endpoints use it: the lockout check
 * first (a blocked (client_id, address) pair gets 429 without its secret being
 * looked at), then the authenticator; a wrong client or secret counts towards
 * the lockout, other refusals (revoked, expired, address not allowed) do not,
 * since they prove no guessing.
 */
import { Injectable } from '@nestjs/common';
import { InvalidClient } from '../../common/errors/oauth-error';
import type { RequestContext } from '../../common/http/request-context';
import { LockoutService } from '../../throttle/lockout.service';
import { type AuthenticatedClient, ClientAuthenticator } from './client-authenticator';

@Injectable()
export class ClientAuthentication {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly lockout: LockoutService,
  ) {}

  async authenticate(clientId: string, secret: string, ctx: RequestContext): Promise<AuthenticatedClient> {
    await this.lockout.assertNotLocked(clientId, ctx.ip);
    try {
      return await this.authenticator.authenticate(clientId, secret, ctx);
    } catch (err) {
      if (err instanceof InvalidClient && (err.auditReason === 'unknown_client' || err.auditReason === 'bad_secret')) {
        await this.lockout.recordFailure(clientId, ctx.ip);
      }
      throw err;
    }
  }
}
