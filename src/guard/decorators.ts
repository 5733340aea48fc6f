import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal';

export const IS_PUBLIC = 'wagmix:isPublic';
export const REQUIRED_SCOPES = 'wagmix:requiredScopes';

/** Opts a route out of the global TokenGuard. Everything else needs a valid bearer token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Every listed scope is required (RFC 6750 §3.1 insufficient_scope names them). */
export const Scopes = (...scopes: string[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPES, scopes);

export const PRINCIPAL = Symbol('wagmix.principal');

/** The verified caller, as the TokenGuard put it on the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ [PRINCIPAL]?: Principal }>();
  const principal = req[PRINCIPAL];
  if (!principal) throw new Error('CurrentPrincipal used on a route without TokenGuard');
  return principal;
});
