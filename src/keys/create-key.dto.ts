/**
 * Body of POST /admin/keys. Strict: an unknown field is a 400, so a typo such
 * as `scope` for `scopes` never silently creates a key with defaults.
 */
import { z } from 'zod';
import { isCidrOrIp } from '../config/config.schema';

export const MAX_ALLOWED_CIDRS = 30;

export const createKeySchema = z
  .object({
    account_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -'),
    label: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    scopes: z.array(z.string().max(100)).min(1, 'must name at least one scope').max(100),
    allowed_cidrs: z
      .array(z.string().max(64).refine(isCidrOrIp, 'must be an IPv4 or IPv6 address or CIDR'))
      .max(MAX_ALLOWED_CIDRS, `must have at most ${MAX_ALLOWED_CIDRS} entries`)
      .optional(),
    token_ttl_seconds: z.number().int('must be a whole number').min(60).max(3600).optional(),
    expires_at: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time' }).optional(),
  })
  .strict();

export type CreateKeyDto = z.infer<typeof createKeySchema>;
