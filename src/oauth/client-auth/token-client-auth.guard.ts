/**
 * Client authentication at the token endpoint: as ClientAuthGuard, then the
 * per-key rate, and every refusal of either recorded as `token.denied`.
 */
import { type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../common/errors/oauth-error';
import { RequestContextService } from '../../common/http/request-context.service';
import { KeyRateGuard } from '../../throttle/key-rate.guard';
import { TokenDenials } from '../token-denials';
import { parseBasicAuthorization } from './basic-credentials';
import { ClientAuthGuard, type ClientRequest } from './client-auth.guard';
import { ClientAuthentication } from './client-authentication';

export function authMethodOf(req: FastifyRequest): string {
  if (req.headers.authorization !== undefined) return 'client_secret_basic';
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && 'client_secret' in body ? 'client_secret_post' : 'none';
}

/** The client_id a request claims, before (or without) authenticating it: for the audit log only. */
function claimedClientId(req: FastifyRequest): string | null {
  const basic = parseBasicAuthorization(req.headers.authorization);
  if (basic.kind === 'ok') return basic.clientId;
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && typeof body.client_id === 'string' ? body.client_id : null;
}

@Injectable()
export class TokenClientAuthGuard extends ClientAuthGuard {
  constructor(
    authenticator: ClientAuthentication,
    private readonly requestContexts: RequestContextService,
    private readonly denials: TokenDenials,
    private readonly keyRate: KeyRateGuard,
  ) {
    super(authenticator, requestContexts);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      await super.canActivate(context);
      return await this.keyRate.canActivate(context);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      const req = context.switchToHttp().getRequest<ClientRequest>();
      throw await this.denials.record(err, this.requestContexts.of(req), req.client?.clientId ?? claimedClientId(req), authMethodOf(req));
    }
  }
}
