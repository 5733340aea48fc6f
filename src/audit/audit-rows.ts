/**
 * The `audit_events` row as the driver returns it, and its mapping to the
 * event JSON that admins see and the hash chain covers. One mapping for the
 * list, the exports and the verifier, so what is shown is what is verified.
 */
import type { AuditEventView } from './audit-event';

export interface AuditRow {
  id: string;
  occurred_at: Date;
  type: string;
  outcome: string;
  actor_client_id: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  subject_client_id: string | null;
  subject_account_id: string | null;
  subject_jti: string | null;
  reason: string | null;
  request_id: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** Every column, in the order of AuditRow (pg returns bigint as a string, which keeps it exact). */
export const AUDIT_COLUMNS = `id, occurred_at, type, outcome, actor_client_id, actor_ip, actor_user_agent,
  subject_client_id, subject_account_id, subject_jti, reason, request_id, data, prev_hash, hash`;

export function toView(r: AuditRow): AuditEventView {
  return {
    id: r.id,
    occurred_at: r.occurred_at.toISOString(),
    type: r.type,
    outcome: r.outcome,
    actor: { client_id: r.actor_client_id, ip: r.actor_ip, user_agent: r.actor_user_agent },
    subject: { client_id: r.subject_client_id, account_id: r.subject_account_id, jti: r.subject_jti },
    reason: r.reason,
    request_id: r.request_id,
    data: r.data,
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}
