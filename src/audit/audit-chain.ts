/**
 * The tamper-evidence rule: hash = SHA-256(prev_hash ‖ canonical event), where
 * the canonical event is the event JSON without its hashes, keys sorted at
 * every level, no insignificant white space. Anyone can re-check the chain from
 * an export with these few lines.
 */
import { createHash } from 'node:crypto';
import type { AuditEventView } from './audit-event';

export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prevHash: string, event: Omit<AuditEventView, 'prev_hash' | 'hash'>): string {
  const body: Omit<AuditEventView, 'prev_hash' | 'hash'> = {
    id: event.id,
    occurred_at: event.occurred_at,
    type: event.type,
    outcome: event.outcome,
    actor: event.actor,
    subject: event.subject,
    reason: event.reason,
    request_id: event.request_id,
    data: event.data,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}
