/**
 * Bodies of PATCH /admin/keys/{id}, …/rotate and …/revoke. Strict like
 * creation: an unknown field is a 400. Rotate and revoke may be sent without
 * a body: every field has a default.
 */
import { z } from 'zod';
import { parseBody } from '../common/http/zod-body';
import { allowedCidrsField, expiresAtField, labelField, scopesField, tokenTtlField } from './create-key.dto';
import type { KeyUpdate } from './key-updates.service';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from './key-rotation.service';

export const updateKeySchema = z
  .object({
    label: labelField.optional(),
    scopes: scopesField.optional(),
    allowed_cidrs: allowedCidrsField.optional(),
    token_ttl_seconds: tokenTtlField.optional(),
    expires_at: expiresAtField.optional(),
  })
  .strict();

export const rotateKeySchema = z
  .object({
    grace_seconds: z
      .number()
      .int('must be a whole number')
      .min(0, `must be from 0 to ${MAX_GRACE_SECONDS}`)
      .max(MAX_GRACE_SECONDS, `must be from 0 to ${MAX_GRACE_SECONDS}`)
      .default(DEFAULT_GRACE_SECONDS),
  })
  .strict();

export const revokeKeySchema = z.object({ reason: z.string().max(500, 'must be at most 500 characters').optional() }).strict();

export function toKeyUpdate(dto: z.infer<typeof updateKeySchema>): KeyUpdate {
  return {
    label: dto.label,
    scopes: dto.scopes,
    allowedCidrs: dto.allowed_cidrs,
    tokenTtlSeconds: dto.token_ttl_seconds,
    expiresAt: dto.expires_at === undefined ? undefined : new Date(dto.expires_at),
  };
}

/** As parseBody, but no body at all counts as `{}`. */
export function parseOptionalBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  return parseBody(schema, body === undefined || body === null || body === '' ? {} : body);
}
