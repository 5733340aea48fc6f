/**
 * The query string of GET /admin/audit-events, checked field by field: an
 * unknown or repeated parameter, a bad date or limit, is a 400 problem that
 * names the field, never a 500 or a silently ignored filter.
 */
import { z } from 'zod';
import { Problem } from '../common/errors/problem';
import { AUDIT_EVENT_TYPES } from './audit-event';
import type { AuditFilters } from './audit-query';

export type AuditFormat = 'json' | 'ndjson' | 'csv';

export interface AuditListQuery {
  readonly filters: AuditFilters;
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly format: AuditFormat;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+ -]\d{2}:\d{2})$/;

/** RFC 3339 date-time, strictly (V8's Date would take 2026-02-30 as March 2nd). */
export function parseRfc3339(value: string): Date | null {
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  // A '+' that was not percent-encoded arrives as a space: it can only have meant '+'.
  const date = new Date(value.replace(/ (\d{2}:\d{2})$/, '+$1'));
  return Number.isNaN(date.getTime()) ? null : date;
}

const dateTime = z.string().transform((v, ctx) => {
  const d = parseRfc3339(v);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 date-time, for example 2026-01-31T23:59:59Z' });
    return z.NEVER;
  }
  return d;
});

const schema = z.strictObject({
  type: z.enum(AUDIT_EVENT_TYPES, { message: `must be one of ${AUDIT_EVENT_TYPES.join(', ')}` }).optional(),
  outcome: z.enum(['success', 'failure'], { message: 'must be success or failure' }).optional(),
  client_id: z.string().min(1, { message: 'must not be empty' }).max(64, { message: 'must be at most 64 characters' }).optional(),
  account_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1 to 64 of A-Z a-z 0-9 _ -' })
    .optional(),
  since: dateTime.optional(),
  until: dateTime.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, { message: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_LIMIT, { message: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .optional(),
  cursor: z.string().min(1, { message: 'must not be empty' }).optional(),
  format: z.enum(['json', 'ndjson', 'csv'], { message: 'must be json, ndjson or csv' }).optional(),
});

export function parseListQuery(query: unknown): AuditListQuery {
  const input = (query ?? {}) as Record<string, unknown>;
  const errors: { field: string; message: string }[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (Array.isArray(value)) errors.push({ field, message: 'must be given once' });
  }
  if (errors.length === 0) {
    const result = schema.safeParse(input);
    if (!result.success) {
      for (const i of result.error.issues) {
        if (i.code === 'unrecognized_keys') for (const k of i.keys) errors.push({ field: k, message: 'unknown query parameter' });
        else errors.push({ field: i.path.join('.'), message: i.message });
      }
    } else {
      const q = result.data;
      const format = q.format ?? 'json';
      if (q.since && q.until && q.since.getTime() > q.until.getTime()) errors.push({ field: 'since', message: 'must not be after until' });
      if (format !== 'json' && q.limit !== undefined) errors.push({ field: 'limit', message: 'does not apply to an export: it streams the whole filtered set' });
      if (format !== 'json' && q.cursor !== undefined) errors.push({ field: 'cursor', message: 'does not apply to an export: it streams the whole filtered set' });
      if (errors.length === 0) {
        return {
          filters: { type: q.type, outcome: q.outcome, clientId: q.client_id, accountId: q.account_id, since: q.since, until: q.until },
          limit: q.limit ?? DEFAULT_LIMIT,
          cursor: q.cursor,
          format,
        };
      }
    }
  }
  throw Problem.badRequest(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/** For the OpenAPI document: the query parameters as validation sees them. */
export { schema as auditListQuerySchema };
