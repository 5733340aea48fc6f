/**
 * The rules a key must satisfy, whoever creates or changes it (admin API or
 * operator CLI): known scopes, no admin scope on an account key, an IP
 * allow-list for keys that can move money, and an expiry in the future but
 * within the configured maximum. Pure logic over the configuration, so every
 * rule has a unit test; violations come back as field errors that become one
 * 400 problem naming each field.
 */
import { Problem } from '../common/errors/problem';
import type { AppConfig } from '../config/app-config';
import { isAdminScope } from '../config/scope-catalog';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Scopes that move orders or coins: a key holding one must be bound to an allow-list (when the policy is on). */
export const ALLOWLIST_REQUIRED_SCOPES: readonly string[] = ['exchange:orders:write', 'coin:transfers:write', 'coin:withdrawals:write'];

/**
 * "Write" for token lifetimes: any scope whose last segment is `write`
 * (exchange:orders:write, coin:deposits:write, coin:transfers:write,
 * coin:withdrawals:write, admin:keys:write, admin:signing-keys:write, and any
 * such scope added through SCOPE_CATALOG_EXTRA).
 */
export function isWriteScope(scope: string): boolean {
  return scope.endsWith(':write');
}

const DAY_MS = 86_400_000;

export type KeyPolicyConfig = Pick<AppConfig, 'scopes' | 'keyDefaultLifetimeDays' | 'keyMaxLifetimeDays' | 'requireAllowlistForWriteScopes'>;

export class KeyPolicy {
  constructor(private readonly config: KeyPolicyConfig) {}

  scopeErrors(accountId: string | null, scopes: readonly string[]): FieldError[] {
    const errors: FieldError[] = [];
    scopes.forEach((scope, i) => {
      if (!this.config.scopes.audienceOf.has(scope)) errors.push({ field: `scopes.${i}`, message: `unknown scope "${scope}"` });
      else if (accountId !== null && isAdminScope(this.config.scopes, scope))
        errors.push({ field: `scopes.${i}`, message: `"${scope}" is an admin scope: it is never granted to an account key` });
      else if (accountId === null && !isAdminScope(this.config.scopes, scope))
        // An admin key has no account_id, so a token for an account API would act for no account.
        errors.push({ field: `scopes.${i}`, message: `"${scope}" is not an admin scope: an admin key holds admin scopes only` });
    });
    return errors;
  }

  allowlistErrors(scopes: readonly string[], allowedCidrs: readonly string[]): FieldError[] {
    if (!this.config.requireAllowlistForWriteScopes || allowedCidrs.length > 0) return [];
    const needing = scopes.filter((s) => ALLOWLIST_REQUIRED_SCOPES.includes(s));
    if (needing.length === 0) return [];
    return [{ field: 'allowed_cidrs', message: `must list at least one address or CIDR for a key holding ${needing.join(', ')}` }];
  }

  /** An expiry must lie in the future and no further than the maximum lifetime from now. */
  expiryErrors(expiresAt: Date, now: Date): FieldError[] {
    if (expiresAt.getTime() <= now.getTime()) return [{ field: 'expires_at', message: 'must be in the future' }];
    const latest = this.latestExpiry(now);
    if (expiresAt.getTime() > latest.getTime())
      return [{ field: 'expires_at', message: `must be at most ${this.config.keyMaxLifetimeDays} days from now (${latest.toISOString()})` }];
    return [];
  }

  defaultExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.keyDefaultLifetimeDays * DAY_MS);
  }

  latestExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.keyMaxLifetimeDays * DAY_MS);
  }
}

/** Throws one 400 problem listing every field error, if there is any. */
export function assertNoFieldErrors(errors: readonly FieldError[]): void {
  if (errors.length > 0) throw Problem.badRequest(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}
