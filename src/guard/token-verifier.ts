/**
 * Verifies an RFC 9068 access token: header `typ` at+jwt, an algorithm from
 * the allow-list (asymmetric only: never `none`, never HS*), a `kid` we can
 * resolve, the signature, `iss`, `exp`/`nbf` within the clock skew, the claims
 * the principal is built from, then the audience and revocation. Verified
 * tokens are cached by their bytes; revocation and audience are checked on
 * every call. Failures carry a description fit for a WWW-Authenticate
 * challenge, never the token.
 */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { RevocationCheck, TOKEN_GUARD_OPTIONS, type TokenGuardOptions, VerificationKeys } from './guard-options';
import type { Principal } from './principal';
import { VerifiedTokenCache } from './verified-token-cache';

export const ALLOWED_ALGORITHMS = ['ES256'] as const;

export class TokenRejected extends Error {}

export interface VerifyExpectations {
  /** The audience the token must name; `null` accepts any (introspection, revocation). Default: the guard's. */
  readonly audience?: string | null;
}

interface Claims {
  sub?: unknown;
  client_id?: unknown;
  scope?: unknown;
  jti?: unknown;
  aud?: unknown;
  iat?: unknown;
  exp?: unknown;
  account_id?: unknown;
  wgx_sid?: unknown;
  wgx_cidrs?: unknown;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

@Injectable()
export class TokenVerifier {
  private readonly cache: VerifiedTokenCache;

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: VerificationKeys,
    @Inject(TOKEN_GUARD_OPTIONS) private readonly options: TokenGuardOptions,
    @Optional() @Inject(RevocationCheck) private readonly revocations: RevocationCheck | null,
  ) {
    this.cache = new VerifiedTokenCache(options.cacheSize ?? 10_000);
  }

  /** Returns the principal, or throws TokenRejected with a reason fit for the challenge. */
  async verify(token: string, expectations: VerifyExpectations = {}): Promise<Principal> {
    const now = Math.floor(Date.now() / 1000);
    let principal = this.cache.get(token, now, this.options.clockSkewSeconds);
    if (!principal) {
      principal = await this.verifySignedToken(token);
      this.cache.set(token, principal);
    }
    const audience = expectations.audience === undefined ? this.options.audience : expectations.audience;
    if (audience !== null && !principal.audience.includes(audience)) throw new TokenRejected('The access token is not meant for this API (aud)');
    if (this.revocations?.isRevoked(principal)) throw new TokenRejected('The access token was revoked');
    return principal;
  }

  private async verifySignedToken(token: string): Promise<Principal> {
    if (token.length > 8192 || !JWT_SHAPE.test(token)) throw new TokenRejected('The access token is malformed');
    let header: Record<string, unknown> | undefined;
    try {
      header = this.jwt.decode<{ header?: object } | null>(token, { complete: true })?.header as unknown as Record<string, unknown> | undefined;
    } catch {
      header = undefined;
    }
    if (!header) throw new TokenRejected('The access token is malformed');
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    if (typ !== 'at+jwt' && typ !== 'application/at+jwt') throw new TokenRejected('The token is not an access token (typ must be at+jwt)');
    if (!ALLOWED_ALGORITHMS.includes(header.alg as (typeof ALLOWED_ALGORITHMS)[number]))
      throw new TokenRejected('The token is signed with an algorithm that is not accepted');
    const key = typeof header.kid === 'string' && header.kid.length <= 256 ? await this.keys.resolve(header.kid) : undefined;
    if (!key) throw new TokenRejected('The token is signed by an unknown key');
    let claims: Claims;
    try {
      claims = this.jwt.verify<Claims & object>(token, {
        publicKey: key as unknown as string,
        algorithms: [...ALLOWED_ALGORITHMS],
        issuer: this.options.issuer,
        clockTolerance: this.options.clockSkewSeconds,
      });
    } catch (err) {
      throw new TokenRejected(describe(err));
    }
    return toPrincipal(claims);
  }
}

function describe(err: unknown): string {
  const name = (err as { name?: string }).name;
  const message = (err as { message?: string }).message ?? '';
  if (name === 'TokenExpiredError') return 'The access token expired';
  if (name === 'NotBeforeError') return 'The access token is not valid yet';
  if (/issuer/.test(message)) return 'The access token was issued by another issuer';
  return 'The access token signature is invalid';
}

function toPrincipal(c: Claims): Principal {
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!str(c.sub) || !str(c.client_id) || !str(c.jti) || typeof c.scope !== 'string' || !num(c.exp) || !num(c.iat))
    throw new TokenRejected('The access token lacks required claims');
  const aud = Array.isArray(c.aud) ? c.aud.filter(str) : str(c.aud) ? [c.aud] : [];
  return {
    clientId: c.client_id,
    accountId: str(c.account_id) ? c.account_id : null,
    scopes: new Set(c.scope.split(' ').filter(Boolean)),
    jti: c.jti,
    audience: aud,
    issuedAt: c.iat,
    expiresAt: c.exp,
    secretId: str(c.wgx_sid) ? c.wgx_sid : null,
    allowedCidrs: Array.isArray(c.wgx_cidrs) ? c.wgx_cidrs.filter(str) : [],
    claims: c as Record<string, unknown>,
  };
}
