/**
 * Export formats. NDJSON is one event JSON per line, exactly as the list
 * shows it. CSV (RFC 4180) flattens actor and subject into columns and
 * carries `data` as JSON text. Values are written as stored, not "defused"
 * for spreadsheets (a leading `=` stays), because an export must re-verify
 * against the hash chain; docs/audit.md tells admins to import as text.
 * A null is an empty field; an empty string is `""`.
 */
import type { AuditEventView } from './audit-event';

export const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'type',
  'outcome',
  'actor_client_id',
  'actor_ip',
  'actor_user_agent',
  'subject_client_id',
  'subject_account_id',
  'subject_jti',
  'reason',
  'request_id',
  'data',
  'prev_hash',
  'hash',
] as const;

export const CONTENT_TYPES = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
} as const;

export function csvField(value: string | null): string {
  if (value === null) return '';
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(e: AuditEventView): string {
  const values: (string | null)[] = [
    e.id,
    e.occurred_at,
    e.type,
    e.outcome,
    e.actor.client_id,
    e.actor.ip,
    e.actor.user_agent,
    e.subject.client_id,
    e.subject.account_id,
    e.subject.jti,
    e.reason,
    e.request_id,
    JSON.stringify(e.data),
    e.prev_hash,
    e.hash,
  ];
  return `${values.map(csvField).join(',')}\r\n`;
}

export function ndjsonRow(e: AuditEventView): string {
  return `${JSON.stringify(e)}\n`;
}
