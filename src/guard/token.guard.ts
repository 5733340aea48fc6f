/**
 * The global guard: secure by default. Every route needs a valid bearer token
 * unless marked @Public(); @Scopes(...) adds the scopes it needs. Puts the
 * verified Principal on the request for @CurrentPrincipal().
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { insufficientScope, invalidRequest, invalidToken, missingToken } from './bearer-errors';
import { IS_PUBLIC, PRINCIPAL, REQUIRED_SCOPES } from './decorators';
import { TOKEN_GUARD_OPTIONS, type TokenGuardOptions } from './guard-options';
import type { Principal } from './principal';
import { TokenRejected, TokenVerifier } from './token-verifier';

@Injectable()
export class TokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(TOKEN_GUARD_OPTIONS) private readonly options: TokenGuardOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest & { [PRINCIPAL]?: Principal }>();
    const token = this.bearerToken(req);
    let principal: Principal;
    try {
      principal = this.verifier.verify(token);
    } catch (err) {
      if (err instanceof TokenRejected) throw invalidToken(this.options.realm, err.message);
      throw err;
    }
    const required = this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, targets);
    const missing = required.filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) throw insufficientScope(this.options.realm, required);
    req[PRINCIPAL] = principal;
    return true;
  }

  private bearerToken(req: FastifyRequest): string {
    const header = req.headers.authorization;
    if (!header) throw missingToken(this.options.realm);
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!m) {
      if (/^Bearer\b/i.test(header)) throw invalidRequest(this.options.realm, 'The Authorization header is not a valid Bearer credential');
      throw missingToken(this.options.realm);
    }
    return m[1] as string;
  }
}
