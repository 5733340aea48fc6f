/**
 * The audit event vocabulary (contract "Audit events") and its wire form.
 */
export const AUDIT_EVENT_TYPES = [
  'token.issued',
  'token.denied',
  'token.revoked',
  'token.introspected',
  'key.created',
  'key.updated',
  'key.secret_rotated',
  'key.revoked',
  'key.expired',
  'signing_key.rotated',
  'access.denied',
  'audit.pruned',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const TOKEN_DENIED_REASONS = [
  'unknown_client',
  'bad_secret',
  'key_revoked',
  'key_expired',
  'ip_not_allowed',
  'invalid_scope',
  'invalid_request',
  'unsupported_grant_type',
  'rate_limited',
] as const;
export type TokenDeniedReason = (typeof TOKEN_DENIED_REASONS)[number];

export type AuditOutcome = 'success' | 'failure';

export interface AuditActor {
  readonly clientId?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

export interface AuditSubject {
  readonly clientId?: string | null;
  readonly accountId?: string | null;
  readonly jti?: string | null;
}

/** What a caller records; id, time and hashes are assigned when it is appended to the chain. */
export interface AuditEventInput {
  readonly type: AuditEventType;
  readonly outcome: AuditOutcome;
  readonly actor: AuditActor;
  readonly subject?: AuditSubject;
  readonly reason?: string | null;
  readonly requestId?: string | null;
  readonly data?: Record<string, unknown>;
}

/** The event as admins see it (snake_case JSON) and as the hash chain covers it. */
export interface AuditEventView {
  id: string;
  occurred_at: string;
  type: string;
  outcome: string;
  actor: { client_id: string | null; ip: string | null; user_agent: string | null };
  subject: { client_id: string | null; account_id: string | null; jti: string | null };
  reason: string | null;
  request_id: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}
