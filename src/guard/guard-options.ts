/**
 * What a resource server configures when it imports TokenGuardModule: whose
 * tokens it accepts (issuer, its own audience), where verification keys come
 * from, and optionally how to learn of revocations and record refusals.
 */
import type { KeyObject } from 'node:crypto';

/** Where verification keys come from: this service's store, or a remote JWKS (RemoteJwksKeys). */
export abstract class VerificationKeys {
  /** The public key for `kid`, looking further (reload, refetch) when it is not known yet. */
  abstract resolve(kid: string): Promise<KeyObject | undefined>;
}

/** Whether a verified token was revoked since. Without one, the guard trusts a token until it expires. */
export abstract class RevocationCheck {
  abstract isRevoked(token: { jti: string; clientId: string; secretId: string | null; issuedAt: number }): boolean;
}

export interface AccessDenial {
  readonly status: 401 | 403;
  readonly reason: 'missing_token' | 'invalid_token' | 'insufficient_scope' | 'ip_not_allowed';
  readonly description: string;
  readonly clientId: string | null;
  readonly jti: string | null;
  readonly accountId: string | null;
  readonly method: string;
  readonly route: string;
  readonly ip: string;
  readonly userAgent: string | null;
  readonly requestId: string;
}

/** Optional sink for refusals (the authorization server records `access.denied` audit events). */
export abstract class AccessDeniedSink {
  abstract record(denial: AccessDenial): Promise<void>;
}

/** One decision of the guard on a protected route (public routes are not decisions). */
export type GuardDecision = { readonly outcome: 'allowed' } | { readonly outcome: 'denied'; readonly reason: AccessDenial['reason'] };

/**
 * Optional observer of every decision, for counters (the authorization server's
 * metrics). Called on the hot path: it must be cheap and must not throw.
 */
export abstract class GuardDecisionSink {
  abstract observe(decision: GuardDecision): void;
}

export interface TokenGuardOptions {
  /** Expected `iss`. */
  readonly issuer: string;
  /** The audience of the API this guard protects: a token must name it in `aud`. */
  readonly audience: string;
  /** Allowed clock skew for exp/nbf, in seconds. */
  readonly clockSkewSeconds: number;
  /** Realm in WWW-Authenticate challenges. */
  readonly realm: string;
  /** Proxies whose X-Forwarded-For entry is believed when enforcing a token's IP allow-list. */
  readonly trustedProxies?: readonly string[];
  /** Verified tokens kept in memory, by their exact bytes (0 disables the cache). Default 10 000. */
  readonly cacheSize?: number;
}

export const TOKEN_GUARD_OPTIONS = Symbol('wagmix.tokenGuardOptions');
