/**
 * RFC 7009 revocation. An invalid, expired, unknown or already revoked token
 * is answered 200 like a revoked one (§2.2); a token of another client is
 * refused. The revocation and its `token.revoked` event commit together and
 * reach every instance through the revocation state.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { UnauthorizedClient } from '../common/errors/oauth-error';
import type { RequestContext } from '../common/http/request-context';
import { Transactions } from '../database/transactions';
import { TokenRejected, TokenVerifier } from '../guard/token-verifier';
import type { Principal } from '../guard/principal';
import { RevocationsService } from '../tokens/revocations.service';
import type { AuthenticatedClient } from './client-auth/client-authenticator';

@Injectable()
export class RevocationEndpointService {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  async revoke(caller: AuthenticatedClient, token: string, ctx: RequestContext): Promise<void> {
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token, { audience: null });
    } catch (err) {
      if (err instanceof TokenRejected) return;
      throw err;
    }
    if (principal.clientId !== caller.clientId) throw new UnauthorizedClient('The token was not issued to this client');
    await this.transactions.run(async (tx) => {
      await this.revocations.revokeToken(tx, principal.jti, principal.expiresAt, 'revoked by its client');
      await this.audit.recordIn(tx, {
        type: 'token.revoked',
        outcome: 'success',
        actor: { clientId: caller.clientId, ip: ctx.ip, userAgent: ctx.userAgent },
        subject: { clientId: principal.clientId, accountId: principal.accountId, jti: principal.jti },
        reason: 'client_request',
        requestId: ctx.requestId,
        data: { exp: principal.expiresAt },
      });
    });
  }
}
