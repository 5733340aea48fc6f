/**
 * Who changed a key, as its audit events name them: the admin's client_id
 * with the request's address, user agent and id (or the operator CLI, or the
 * service itself for expiry), and the key as the subject.
 */
import type { AuditEventInput } from '../audit/audit-event';
import type { RequestContext } from '../common/http/request-context';

export interface Actor {
  /** The admin key's client_id; null for the operator CLI and the service itself. */
  readonly clientId: string | null;
  readonly context?: Omit<RequestContext, 'ip'> & { readonly ip: string | null };
}

type KeyEventType = 'key.created' | 'key.updated' | 'key.secret_rotated' | 'key.revoked' | 'key.expired';

export function keyEvent(
  type: KeyEventType,
  actor: Actor,
  key: { readonly clientId: string; readonly accountId: string | null },
  data: Record<string, unknown>,
  reason?: string | null,
): AuditEventInput {
  return {
    type,
    outcome: 'success',
    actor: { clientId: actor.clientId, ip: actor.context?.ip, userAgent: actor.context?.userAgent },
    subject: { clientId: key.clientId, accountId: key.accountId },
    reason: reason ?? null,
    requestId: actor.context?.requestId,
    data,
  };
}
