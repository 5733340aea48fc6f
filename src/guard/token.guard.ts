/**
 * The global guard: secure by default. Every route needs a valid bearer token
 * unless marked @Public(); @Scopes(...) adds the scopes it needs; a token that
 * carries its key's IP allow-list is refused from other addresses. Puts the
 * verified Principal on the request for @CurrentPrincipal(), and reports every
 * refusal to the AccessDeniedSink and every decision to the GuardDecisionSink
 * when they are provided.
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { BlockList } from 'node:net';
import type { Problem } from '../common/errors/problem';
import { blockListHas, buildBlockList, headerValue, resolveSourceIp } from '../common/http/request-context';
import { RouteMemo } from '../common/http/route-memo';
import { isCidrOrIp } from '../config/config.schema';
import { insufficientScope, invalidRequest, invalidToken, missingToken } from './bearer-errors';
import { IS_PUBLIC, PRINCIPAL, REQUIRED_SCOPES } from './decorators';
import { type AccessDenial, AccessDeniedSink, GuardDecisionSink, TOKEN_GUARD_OPTIONS, type TokenGuardOptions } from './guard-options';
import type { Principal } from './principal';
import { TokenRejected, TokenVerifier } from './token-verifier';

type GuardedRequest = FastifyRequest & { [PRINCIPAL]?: Principal };

interface RouteRule {
  readonly isPublic: boolean;
  readonly required: readonly string[];
}

@Injectable()
export class TokenGuard implements CanActivate {
  private readonly trustedProxies: BlockList;
  /** null marks a malformed allow-list. */
  private readonly allowLists = new WeakMap<Principal, BlockList | null>();
  /** @Public() and @Scopes() of each route, handler first, then class. */
  private readonly rules = new RouteMemo<RouteRule>((targets) => ({
    isPublic: Boolean(this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)),
    required: Object.freeze(this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, targets)),
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(TOKEN_GUARD_OPTIONS) private readonly options: TokenGuardOptions,
    @Optional() @Inject(AccessDeniedSink) private readonly sink: AccessDeniedSink | null,
    @Optional() @Inject(GuardDecisionSink) private readonly decisions: GuardDecisionSink | null = null,
  ) {
    this.trustedProxies = buildBlockList(options.trustedProxies ?? []);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.rules.of(context);
    if (rule.isPublic) return true;
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    const realm = this.options.realm;

    const header = req.headers.authorization;
    const m = header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header) : null;
    if (!m) {
      const malformed = header !== undefined && /^Bearer\b/i.test(header);
      const problem = malformed ? invalidRequest(realm, 'The Authorization header is not a valid Bearer credential') : missingToken(realm);
      return this.deny(req, problem, 'missing_token', null);
    }
    let principal: Principal;
    try {
      principal = await this.verifier.verify(m[1] as string);
    } catch (err) {
      if (err instanceof TokenRejected) return this.deny(req, invalidToken(realm, err.message), 'invalid_token', null);
      throw err;
    }
    const allowList = this.allowListOf(principal);
    if (allowList === undefined) return this.deny(req, invalidToken(realm, 'The access token carries a malformed IP allow-list'), 'invalid_token', principal);
    if (allowList && !blockListHas(allowList, this.sourceIp(req)))
      return this.deny(req, invalidToken(realm, 'The access token is not valid from this address'), 'ip_not_allowed', principal);

    const required = rule.required;
    if (required.some((s) => !principal.scopes.has(s))) return this.deny(req, insufficientScope(realm, required), 'insufficient_scope', principal);
    req[PRINCIPAL] = principal;
    this.decisions?.observe({ outcome: 'allowed' });
    return true;
  }

  /** null: no allow-list; undefined: a malformed one (refuse). Built once per cached principal. */
  private allowListOf(p: Principal): BlockList | null | undefined {
    if (p.allowedCidrs.length === 0) return null;
    let list = this.allowLists.get(p);
    if (list === undefined) {
      list = p.allowedCidrs.every(isCidrOrIp) ? buildBlockList(p.allowedCidrs) : null;
      this.allowLists.set(p, list);
    }
    return list ?? undefined;
  }

  private sourceIp(req: FastifyRequest): string {
    return resolveSourceIp(req.socket.remoteAddress ?? '', headerValue(req, 'x-forwarded-for'), this.trustedProxies);
  }

  private async deny(req: FastifyRequest, problem: Problem, reason: AccessDenial['reason'], p: Principal | null): Promise<never> {
    this.decisions?.observe({ outcome: 'denied', reason });
    if (this.sink) {
      await this.sink.record({
        status: problem.status === 403 ? 403 : 401,
        reason,
        description: problem.detail,
        clientId: p?.clientId ?? null,
        jti: p?.jti ?? null,
        accountId: p?.accountId ?? null,
        method: req.method,
        route: req.routeOptions.url ?? req.url.split('?')[0] ?? '',
        ip: this.sourceIp(req),
        userAgent: headerValue(req, 'user-agent') ?? null,
        requestId: String(req.id),
      });
    }
    throw problem;
  }
}
