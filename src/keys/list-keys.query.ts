/**
 * Query of GET /admin/keys. Strict: an unknown parameter (a typo such as
 * `state` for `status`) or one given twice is a 400, never silently ignored.
 */
import { z } from 'zod';
import { Problem } from '../common/errors/problem';
import { parseBody } from '../common/http/zod-body';
import { accountIdField } from './create-key.dto';
import type { KeyListRequest } from './keys.service';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const listKeysSchema = z
  .object({
    account_id: accountIdField.optional(),
    status: z.enum(['active', 'revoked', 'expired'], { message: 'must be active, revoked or expired' }).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_LIMIT}`)
      .transform(Number)
      .pipe(z.number().min(1, `must be from 1 to ${MAX_LIMIT}`).max(MAX_LIMIT, `must be from 1 to ${MAX_LIMIT}`))
      .optional(),
    cursor: z.string().min(1).max(256).optional(),
  })
  .strict();

export function parseListQuery(query: unknown): KeyListRequest {
  const raw = (query ?? {}) as Record<string, unknown>;
  const repeated = Object.entries(raw).find(([, v]) => Array.isArray(v));
  if (repeated)
    throw Problem.badRequest(`${repeated[0]}: given more than once`, { errors: [{ field: repeated[0], message: 'given more than once' }] });
  const q = parseBody(listKeysSchema, { ...raw });
  return { accountId: q.account_id, status: q.status, limit: q.limit ?? DEFAULT_LIMIT, cursor: q.cursor };
}
