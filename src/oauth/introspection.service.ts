/**
 * RFC 7662 introspection. Anything invalid, expired, revoked or unknown is
 * exactly `{"active":false}`, and so is a token the caller may not learn
 * about: only the token's own client, or a key holding
 * `admin:tokens:introspect`, is told that a token is active.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../common/http/request-context';
import { type Principal } from '../guard/principal';
import { TokenRejected, TokenVerifier } from '../guard/token-verifier';
import type { AuthenticatedClient } from './client-auth/client-authenticator';

export const INTROSPECT_ANY_SCOPE = 'admin:tokens:introspect';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      aud: string | string[];
      iss: string;
      exp: number;
      iat: number;
      nbf: number;
      jti: string;
      token_type: 'Bearer';
      account_id?: string;
    };

@Injectable()
export class IntrospectionService {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly audit: AuditService,
  ) {}

  async introspect(caller: AuthenticatedClient, token: string, ctx: RequestContext): Promise<IntrospectionResponse> {
    const principal = await this.activePrincipal(token);
    const allowed = principal !== null && (principal.clientId === caller.clientId || caller.scopes.includes(INTROSPECT_ANY_SCOPE));
    const answer: IntrospectionResponse = allowed ? describe(principal.claims) : { active: false };
    await this.audit.record({
      type: 'token.introspected',
      outcome: 'success',
      actor: { clientId: caller.clientId, ip: ctx.ip, userAgent: ctx.userAgent },
      subject: allowed ? { clientId: principal.clientId, accountId: principal.accountId, jti: principal.jti } : {},
      requestId: ctx.requestId,
      data: { active: answer.active },
    });
    return answer;
  }

  private async activePrincipal(token: string): Promise<Principal | null> {
    try {
      return await this.verifier.verify(token, { audience: null });
    } catch (err) {
      if (err instanceof TokenRejected) return null;
      throw err;
    }
  }
}

/** The verified token's own claims, as RFC 7662 §2.2 names them. */
function describe(c: Readonly<Record<string, unknown>>): IntrospectionResponse {
  return {
    active: true,
    scope: c.scope as string,
    client_id: c.client_id as string,
    sub: c.sub as string,
    aud: c.aud as string | string[],
    iss: c.iss as string,
    exp: c.exp as number,
    iat: c.iat as number,
    nbf: (c.nbf ?? c.iat) as number,
    jti: c.jti as string,
    token_type: 'Bearer',
    ...(typeof c.account_id === 'string' ? { account_id: c.account_id } : {}),
  };
}
