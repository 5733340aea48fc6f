import type { KeyObject } from 'node:crypto';

/** Where verification keys come from: this service's store, or (later) a remote JWKS. */
export abstract class VerificationKeys {
  abstract get(kid: string): KeyObject | undefined;
}

/** Whether a verified token was revoked since. Without one, the guard trusts a token until it expires. */
export abstract class RevocationCheck {
  abstract isRevoked(token: { jti: string; clientId: string; secretId: string | null; issuedAt: number }): boolean;
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
}

export const TOKEN_GUARD_OPTIONS = Symbol('wagmix.tokenGuardOptions');
