/**
 * One class per RFC 6749 §5.2 / RFC 8707 / RFC 7009 error code. The wire gets
 * only `{error, error_description}`; `auditReason` carries the true cause to
 * the audit log.
 */
import type { TokenDeniedReason } from '../../audit/audit-event';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'temporarily_unavailable'
  | 'server_error';

export abstract class OAuthError extends Error {
  abstract readonly error: OAuthErrorCode;
  abstract readonly status: number;
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly description: string,
    readonly auditReason: TokenDeniedReason = 'invalid_request',
  ) {
    super(description);
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
  readonly status = 400;
}

/**
 * Every client-authentication failure looks the same on the wire, whatever the
 * reason; a Basic challenge comes back when the client used (or could have used) Basic.
 */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  readonly status = 401;
  static readonly DESCRIPTION = 'Client authentication failed';

  constructor(
    reason: TokenDeniedReason,
    readonly attemptedClientId: string | null,
    realm: string,
  ) {
    super(InvalidClient.DESCRIPTION, reason);
    this.headers['WWW-Authenticate'] = `Basic realm="${realm}", charset="UTF-8"`;
  }
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
  readonly status = 400;
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
  readonly status = 400;
  constructor(description: string) {
    super(description, 'unsupported_grant_type');
  }
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
  readonly status = 400;
  constructor(description: string) {
    super(description, 'invalid_scope');
  }
}

/** RFC 8707 §2: the requested resource is unknown or not allowed for this client. */
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
  readonly status = 400;
}

export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status: number;
  constructor(description: string, status = 503, retryAfterSeconds?: number) {
    super(description);
    this.status = status;
    if (retryAfterSeconds !== undefined) this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

/** Throttled: 429 with Retry-After; recorded as rate_limited. */
export class RateLimited extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 429;
  constructor(description: string, retryAfterSeconds: number) {
    super(description, 'rate_limited');
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
