/**
 * Changes to a key's settings (label, scopes, allow-list, token lifetime,
 * expiry), with the same rules as creation, and a `key.updated` event listing
 * each changed field's old and new value in the same transaction. A revoked
 * or expired key is final: it cannot be changed (409). Changes apply to
 * tokens issued afterwards; tokens already out keep what they carry until
 * they expire (a few minutes); to cut them off, rotate with grace 0 or revoke.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Problem } from '../common/errors/problem';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import type { ApiKeyEntity } from './api-key.entity';
import { type Actor, keyEvent } from './key-events';
import { assertNoFieldErrors, type FieldError, KeyPolicy } from './key-policy';
import { keyStatus, type KeyView } from './key-view';
import { type KeyChanges, KeysRepository } from './keys.repository';
import { KeysService } from './keys.service';

export interface KeyUpdate {
  readonly label?: string;
  readonly scopes?: readonly string[];
  readonly allowedCidrs?: readonly string[];
  readonly tokenTtlSeconds?: number;
  readonly expiresAt?: Date;
}

type Change = { old: unknown; new: unknown };

@Injectable()
export class KeyUpdatesService {
  private readonly policy: KeyPolicy;

  constructor(
    private readonly repository: KeysRepository,
    private readonly keys: KeysService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.policy = new KeyPolicy(config);
  }

  async update(clientId: string, update: KeyUpdate, actor: Actor): Promise<KeyView> {
    const now = this.clock.now();
    await this.transactions.run(async (tx) => {
      const key = await this.repository.lockKey(tx, clientId);
      if (!key) throw Problem.notFound(`No API key ${clientId}`);
      assertChangeable(key, now);
      assertNoFieldErrors(this.errors(key, update, now));

      const changes: KeyChanges = {};
      const data: Record<string, Change> = {};
      const note = <F extends keyof KeyChanges>(field: F, wire: string, value: KeyChanges[F] | undefined, same: (a: NonNullable<KeyChanges[F]>) => boolean) => {
        if (value === undefined || value === null || same(value)) return;
        changes[field] = value;
        data[wire] = { old: wireValue(key[field as keyof ApiKeyEntity]), new: wireValue(value) };
      };
      note('label', 'label', update.label, (v) => v === key.label);
      note('scopes', 'scopes', update.scopes && unique(update.scopes), (v) => sameList(v, key.scopes));
      note('allowedCidrs', 'allowed_cidrs', update.allowedCidrs && [...update.allowedCidrs], (v) => sameList(v, key.allowedCidrs));
      note('tokenTtlSeconds', 'token_ttl_seconds', update.tokenTtlSeconds, (v) => v === key.tokenTtlSeconds);
      note('expiresAt', 'expires_at', update.expiresAt, (v) => v.getTime() === key.expiresAt?.getTime());
      if (Object.keys(changes).length === 0) return; // nothing changes, nothing to record
      await this.repository.update(tx, clientId, changes);
      await this.audit.recordIn(tx, keyEvent('key.updated', actor, key, data));
    });
    return this.keys.get(clientId);
  }

  private errors(key: ApiKeyEntity, update: KeyUpdate, now: Date): FieldError[] {
    const errors: FieldError[] = [];
    if (update.scopes !== undefined) {
      // Admin keys come only from the bootstrap variables and the CLI; their scopes are set there, not through the API.
      if (key.accountId === null) errors.push({ field: 'scopes', message: 'the scopes of an admin key cannot be changed; create another admin key with the CLI' });
      else errors.push(...this.policy.scopeErrors(key.accountId, update.scopes));
    }
    // The allow-list policy judges the key as it would be after the change, when the change touches it.
    if (update.scopes !== undefined || update.allowedCidrs !== undefined)
      errors.push(...this.policy.allowlistErrors(update.scopes ?? key.scopes, update.allowedCidrs ?? key.allowedCidrs));
    if (update.expiresAt !== undefined) errors.push(...this.policy.expiryErrors(update.expiresAt, now));
    return errors;
  }
}

/** 409 for a key that can no longer change: revoked, or past its expiry. */
export function assertChangeable(key: ApiKeyEntity, now: Date): void {
  const status = keyStatus(key, now);
  if (status === 'revoked') throw Problem.conflict(`API key ${key.clientId} was revoked at ${key.revokedAt?.toISOString() ?? ''}`);
  if (status === 'expired') throw Problem.conflict(`API key ${key.clientId} expired at ${key.expiresAt?.toISOString() ?? ''}; create a new key`);
}

const unique = (list: readonly string[]): string[] => [...new Set(list)];
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const wireValue = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? [...(v as unknown[])] : v);
