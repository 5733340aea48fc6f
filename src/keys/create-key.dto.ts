/**
 * Body of POST /admin/keys, and the field rules PATCH and the CLI share.
 * Strict: an unknown field is a 400, so a typo such as `scope` for `scopes`
 * never silently creates a key with defaults.
 */
import { z } from 'zod';
import { isCidrOrIp } from '../config/config.schema';
import type { NewKeyRequest } from './keys.service';

export const MAX_ALLOWED_CIDRS = 30;

export const accountIdField = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');
export const labelField = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const scopesField = z.array(z.string().max(100)).min(1, 'must name at least one scope').max(100);
export const allowedCidrsField = z
  .array(z.string().max(64).refine(isCidrOrIp, 'must be an IPv4 or IPv6 address or CIDR'))
  .max(MAX_ALLOWED_CIDRS, `must have at most ${MAX_ALLOWED_CIDRS} entries`);
export const tokenTtlField = z.number().int('must be a whole number').min(60).max(3600);
export const expiresAtField = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time' });

export const createKeySchema = z
  .object({
    account_id: accountIdField,
    label: labelField,
    scopes: scopesField,
    allowed_cidrs: allowedCidrsField.optional(),
    token_ttl_seconds: tokenTtlField.optional(),
    expires_at: expiresAtField.optional(),
  })
  .strict();

export type CreateKeyDto = z.infer<typeof createKeySchema>;

export function toNewKeyRequest(dto: CreateKeyDto): NewKeyRequest {
  return {
    accountId: dto.account_id,
    label: dto.label,
    scopes: dto.scopes,
    allowedCidrs: dto.allowed_cidrs,
    tokenTtlSeconds: dto.token_ttl_seconds,
    expiresAt: dto.expires_at === undefined ? undefined : new Date(dto.expires_at),
  };
}
