/**
 * API key rows: the one-query read client authentication needs, row locks for
 * the admin changes, the keyset-paginated list, and the conditional update
 * that marks a key's expiry as recorded exactly once.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transactions';
import { ApiKeySecretEntity } from './api-key-secret.entity';
import { ApiKeyEntity } from './api-key.entity';
import type { KeyStatus } from './key-view';

export interface SecretForAuth {
  readonly id: string;
  readonly hash: Buffer;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/** A key with every secret's hash: what client authentication needs, in one query. */
export interface KeyForAuth {
  readonly key: ApiKeyEntity;
  readonly secrets: readonly SecretForAuth[];
}

export type NewKey = Omit<ApiKeyEntity, 'createdAt' | 'revokedAt' | 'revokedReason' | 'lastUsedAt' | 'lastUsedIp' | 'expiredEventAt' | 'secrets'>;

export type KeyChanges = Partial<Pick<ApiKeyEntity, 'label' | 'scopes' | 'allowedCidrs' | 'tokenTtlSeconds' | 'expiresAt' | 'revokedAt' | 'revokedReason'>>;

export interface KeyListFilter {
  readonly accountId?: string;
  readonly status?: KeyStatus;
  /** client_id of the last key of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

/** A key whose expiry was just marked as recorded. */
export interface ExpiredKey {
  readonly clientId: string;
  readonly accountId: string | null;
  readonly expiresAt: Date;
}

@Injectable()
export class KeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The URL of the store, for the dedicated LISTEN connection of the key cache. */
  connectionUrl(): string {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('the data source has no URL');
    return url;
  }

  async findForAuth(clientId: string): Promise<KeyForAuth | null> {
    const key = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .leftJoinAndSelect('k.secrets', 's')
      .addSelect('s.secretHash')
      .where('k.clientId = :clientId', { clientId })
      .getOne();
    if (!key) return null;
    const secrets = (key.secrets ?? []).map((s) => ({
      id: s.id,
      hash: s.secretHash,
      expiresAt: s.expiresAt,
      revokedAt: s.revokedAt,
      lastUsedAt: s.lastUsedAt,
    }));
    return { key, secrets };
  }

  async findWithSecrets(clientId: string, tx?: Tx): Promise<ApiKeyEntity | null> {
    return (tx ?? this.dataSource.manager).getRepository(ApiKeyEntity).findOne({
      where: { clientId },
      relations: { secrets: true },
      order: { secrets: { createdAt: 'ASC' } },
    });
  }

  /** The key row, locked until `tx` ends: admin changes to one key happen one at a time. */
  async lockKey(tx: Tx, clientId: string): Promise<ApiKeyEntity | null> {
    return tx.getRepository(ApiKeyEntity).findOne({ where: { clientId }, lock: { mode: 'pessimistic_write' } });
  }

  async update(tx: Tx, clientId: string, changes: KeyChanges): Promise<void> {
    await tx.getRepository(ApiKeyEntity).update({ clientId }, changes);
  }

  async exists(clientId: string, tx?: Tx): Promise<boolean> {
    return (tx ?? this.dataSource.manager).getRepository(ApiKeyEntity).exists({ where: { clientId } });
  }

  async isEmpty(): Promise<boolean> {
    return !(await this.dataSource.getRepository(ApiKeyEntity).exists({}));
  }

  /** Serialises start-up bootstrap across instances for the rest of `tx`. */
  async lockForBootstrap(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wagmix-auth:bootstrap'))`);
  }

  /** Inserts the key and its first secret; returns the secret's id. */
  async insert(tx: Tx, key: NewKey, secretHash: Buffer, now: Date): Promise<{ secretId: string; createdAt: Date }> {
    await tx.getRepository(ApiKeyEntity).insert({ ...key, createdAt: now });
    const secret = tx.getRepository(ApiKeySecretEntity).create({ clientId: key.clientId, secretHash, createdAt: now });
    await tx.getRepository(ApiKeySecretEntity).insert(secret);
    return { secretId: secret.id, createdAt: now };
  }

  /**
   * One page, newest first by (created_at, client_id). The cursor is a key's
   * own row, so a key inserted meanwhile (newer than every listed one) never
   * shifts a page: no key is skipped or shown twice.
   */
  async list(filter: KeyListFilter, now: Date): Promise<ApiKeyEntity[]> {
    const qb = this.dataSource.getRepository(ApiKeyEntity).createQueryBuilder('k');
    if (filter.accountId !== undefined) qb.andWhere('k.account_id = :accountId', { accountId: filter.accountId });
    switch (filter.status) {
      case 'revoked':
        qb.andWhere('k.revoked_at IS NOT NULL');
        break;
      case 'expired':
        qb.andWhere('k.revoked_at IS NULL AND k.expires_at <= :now', { now });
        break;
      case 'active':
        qb.andWhere('k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now)', { now });
        break;
      case undefined:
        break;
    }
    if (filter.after !== undefined)
      qb.andWhere('(k.created_at, k.client_id) < (SELECT a.created_at, a.client_id FROM api_keys a WHERE a.client_id = :after)', {
        after: filter.after,
      });
    const keys = await qb.orderBy('k.created_at', 'DESC').addOrderBy('k.client_id', 'DESC').limit(filter.limit).getMany();
    if (keys.length === 0) return keys;
    const secrets = await this.dataSource
      .getRepository(ApiKeySecretEntity)
      .find({ where: { clientId: In(keys.map((k) => k.clientId)) }, order: { createdAt: 'ASC' } });
    for (const key of keys) key.secrets = secrets.filter((s) => s.clientId === key.clientId);
    return keys;
  }

  /**
   * Marks expired keys whose `key.expired` event is still to be recorded, and
   * returns them; the caller records the events in the same transaction. The
   * `expired_event_at IS NULL` condition, re-checked under the row lock, makes
   * the marking happen once per key across every instance. With `clientId`,
   * only that key; otherwise up to `limit` keys, skipping rows another
   * instance is marking.
   */
  async markExpired(tx: Tx, now: Date, target: { clientId: string } | { limit: number }): Promise<ExpiredKey[]> {
    const pending = `expired_event_at IS NULL AND revoked_at IS NULL AND expires_at <= $1`;
    const rows = (
      'clientId' in target
        ? await tx.query(
            `UPDATE api_keys SET expired_event_at = $1 WHERE client_id = $2 AND ${pending}
             RETURNING client_id, account_id, expires_at`,
            [now, target.clientId],
          )
        : await tx.query(
            `UPDATE api_keys SET expired_event_at = $1 WHERE client_id IN (
               SELECT client_id FROM api_keys WHERE ${pending} ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
             RETURNING client_id, account_id, expires_at`,
            [now, target.limit],
          )
    ) as [{ client_id: string; account_id: string | null; expires_at: Date }[], number];
    return rows[0].map((r) => ({ clientId: r.client_id, accountId: r.account_id, expiresAt: r.expires_at }));
  }

  /** Held by the expiry sweeper of one instance at a time; `false` when another instance holds it. */
  async tryLockExpirySweep(tx: Tx): Promise<boolean> {
    const rows = (await tx.query(`SELECT pg_try_advisory_xact_lock(hashtext('wagmix-auth:key-expiry')) AS locked`)) as { locked: boolean }[];
    return rows[0]?.locked === true;
  }
}
