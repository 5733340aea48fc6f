/** Client authentication at the token endpoint: as ClientAuthGuard, and every refusal recorded as `token.denied`. */
import { type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../common/errors/oauth-error';
import { RequestContextService } from '../../common/http/request-context.service';
import { TokenDenials } from '../token-denials';
import { ClientAuthGuard, type ClientRequest } from './client-auth.guard';
import { ClientAuthenticator } from './client-authenticator';

export function authMethodOf(req: FastifyRequest): string {
  if (req.headers.authorization !== undefined) return 'client_secret_basic';
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && 'client_secret' in body ? 'client_secret_post' : 'none';
}

@Injectable()
export class TokenClientAuthGuard extends ClientAuthGuard {
  constructor(
    authenticator: ClientAuthenticator,
    private readonly requestContexts: RequestContextService,
    private readonly denials: TokenDenials,
  ) {
    super(authenticator, requestContexts);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      const req = context.switchToHttp().getRequest<ClientRequest>();
      throw await this.denials.record(err, this.requestContexts.of(req), null, authMethodOf(req));
    }
  }
}
