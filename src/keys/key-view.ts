/** The key as the admin API shows it: snake_case, metadata only, never a hash. */
import type { ApiKeyEntity } from './api-key.entity';

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface SecretView {
  id: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export interface KeyView {
  client_id: string;
  account_id: string | null;
  label: string;
  scopes: string[];
  allowed_cidrs: string[];
  token_ttl_seconds: number;
  status: KeyStatus;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  secrets: SecretView[];
}

/** A list answer (contract "Admin REST API"): newest first, `next_cursor` null on the last page. */
export interface KeyPage {
  items: KeyView[];
  next_cursor: string | null;
}

export function keyStatus(key: Pick<ApiKeyEntity, 'revokedAt' | 'expiresAt'>, now: Date): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toKeyView(key: ApiKeyEntity, now: Date): KeyView {
  return {
    client_id: key.clientId,
    account_id: key.accountId,
    label: key.label,
    scopes: [...key.scopes],
    allowed_cidrs: [...key.allowedCidrs],
    token_ttl_seconds: key.tokenTtlSeconds,
    status: keyStatus(key, now),
    created_at: key.createdAt.toISOString(),
    expires_at: iso(key.expiresAt),
    last_used_at: iso(key.lastUsedAt),
    secrets: (key.secrets ?? [])
      .filter((s) => !s.revokedAt && (!s.expiresAt || s.expiresAt.getTime() > now.getTime()))
      .map((s) => ({ id: s.id, created_at: s.createdAt.toISOString(), expires_at: iso(s.expiresAt), last_used_at: iso(s.lastUsedAt) })),
  };
}
