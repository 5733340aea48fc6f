/**
 * Verifies an RFC 9068 access token: header `typ` at+jwt, an algorithm from
 * the allow-list (asymmetric only: never `none`, never HS*), a `kid` we know,
 * the signature, `iss`, `aud`, `exp`/`nbf` within the clock skew, and the
 * claims the principal is built from. Failures carry a description for the
 * WWW-Authenticate challenge, never the token.
 */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { RevocationCheck, TOKEN_GUARD_OPTIONS, type TokenGuardOptions, VerificationKeys } from './guard-options';
import type { Principal } from './principal';

export const ALLOWED_ALGORITHMS = ['ES256'] as const;

export class TokenRejected extends Error {}

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
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

@Injectable()
export class TokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: VerificationKeys,
    @Inject(TOKEN_GUARD_OPTIONS) private readonly options: TokenGuardOptions,
    @Optional() @Inject(RevocationCheck) private readonly revocations: RevocationCheck | null,
  ) {}

  /** Returns the principal, or throws TokenRejected with a reason fit for the challenge. */
  verify(token: string): Principal {
    if (token.length > 8192 || !JWT_SHAPE.test(token)) throw new TokenRejected('The access token is malformed');
    const decoded = this.jwt.decode<{ header?: Record<string, unknown> } | null>(token, { complete: true });
    const header = decoded?.header;
    if (!header) throw new TokenRejected('The access token is malformed');
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    if (typ !== 'at+jwt' && typ !== 'application/at+jwt') throw new TokenRejected('The token is not an access token (typ must be at+jwt)');
    if (!ALLOWED_ALGORITHMS.includes(header.alg as (typeof ALLOWED_ALGORITHMS)[number]))
      throw new TokenRejected('The token is signed with an algorithm that is not accepted');
    const key = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (!key) throw new TokenRejected('The token is signed by an unknown key');
    let claims: Claims;
    try {
      claims = this.jwt.verify<Claims & object>(token, {
        publicKey: key as unknown as string,
        algorithms: [...ALLOWED_ALGORITHMS],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockSkewSeconds,
      });
    } catch (err) {
      throw new TokenRejected(describe(err));
    }
    const principal = toPrincipal(claims);
    if (this.revocations?.isRevoked({ jti: principal.jti, clientId: principal.clientId, secretId: principal.secretId, issuedAt: principal.issuedAt }))
      throw new TokenRejected('The access token was revoked');
    return principal;
  }
}

function describe(err: unknown): string {
  const name = (err as { name?: string }).name;
  const message = (err as { message?: string }).message ?? '';
  if (name === 'TokenExpiredError') return 'The access token expired';
  if (name === 'NotBeforeError') return 'The access token is not valid yet';
  if (/audience/.test(message)) return 'The access token is not meant for this API (aud)';
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
  };
}
