/**
 * API key secrets: rotation's reads and writes, the batched last-used flush,
 * and the reads behind the last check of a token issuance (IssuanceCheck).
 */
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { LOCK_CHAIN_HEAD } from '../audit/audit.repository';
import type { Sql, Tx } from '../database/transactions';
import { ApiKeySecretEntity } from './api-key-secret.entity';

export interface LiveSecret {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

export interface LastUsedRow {
  readonly id: string;
  readonly at: Date;
  readonly ip: string;
}

/** Key and secret state as the issuance transaction sees it. */
export interface IssuanceState {
  readonly secretId: string;
  readonly keyRevokedAt: Date | null;
  readonly keyExpiresAt: Date | null;
  readonly secretRevokedAt: Date | null;
  readonly secretExpiresAt: Date | null;
}

@Injectable()
export class KeySecretsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Secrets of the key that still work at `now`, oldest first. */
  async findLive(tx: Tx, clientId: string, now: Date): Promise<LiveSecret[]> {
    const rows = await tx
      .getRepository(ApiKeySecretEntity)
      .createQueryBuilder('s')
      .where('s.clientId = :clientId', { clientId })
      .andWhere('s.revokedAt IS NULL')
      .andWhere('(s.expiresAt IS NULL OR s.expiresAt > :now)', { now })
      .orderBy('s.createdAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
    return rows.map((s) => ({ id: s.id, createdAt: s.createdAt, expiresAt: s.expiresAt }));
  }

  async insert(tx: Tx, clientId: string, secretHash: Buffer, now: Date): Promise<string> {
    const secret = tx.getRepository(ApiKeySecretEntity).create({ clientId, secretHash, createdAt: now });
    await tx.getRepository(ApiKeySecretEntity).insert(secret);
    return secret.id;
  }

  /** Ends the secrets at `now`; with `revoke` they are also marked revoked (compromise). */
  async end(tx: Tx, ids: readonly string[], now: Date, revoke: boolean): Promise<void> {
    if (ids.length === 0) return;
    await tx.getRepository(ApiKeySecretEntity).update({ id: In([...ids]) }, revoke ? { expiresAt: now, revokedAt: now } : { expiresAt: now });
  }

  async setExpiry(tx: Tx, id: string, expiresAt: Date): Promise<void> {
    await tx.getRepository(ApiKeySecretEntity).update({ id }, { expiresAt });
  }

  /**
   * Reads the keys and secrets behind a batch of token issuances. No row
   * locks: the caller holds the chain-head lock, which every revoke and
   * rotation takes before it writes (holdOffIssuance), so what this reads is
   * either committed or not yet written.
   */
  async readForIssuance(sql: Sql, secretIds: readonly string[]): Promise<IssuanceState[]> {
    if (secretIds.length === 0) return [];
    const rows = await sql.query<{ secret_id: string; key_revoked_at: Date | null; key_expires_at: Date | null; secret_revoked_at: Date | null; secret_expires_at: Date | null }[]>(
      `SELECT s.id AS secret_id, k.revoked_at AS key_revoked_at, k.expires_at AS key_expires_at,
              s.revoked_at AS secret_revoked_at, s.expires_at AS secret_expires_at
         FROM api_key_secrets s JOIN api_keys k ON k.client_id = s.client_id
        WHERE s.id = ANY($1::uuid[])`,
      [[...new Set(secretIds)]],
    );
    return rows.map((r) => ({
      secretId: r.secret_id,
      keyRevokedAt: r.key_revoked_at,
      keyExpiresAt: r.key_expires_at,
      secretRevokedAt: r.secret_revoked_at,
      secretExpiresAt: r.secret_expires_at,
    }));
  }

  /**
   * Takes the audit chain-head lock for the rest of `tx`. Issuance batches
   * take it before they read key state, so until `tx` ends none can check a
   * key: each one either committed before, or reads what `tx` committed.
   */
  async holdOffIssuance(tx: Tx): Promise<void> {
    await tx.query(LOCK_CHAIN_HEAD);
  }

  /**
   * Writes last-used times in two statements for any number of keys. Never
   * moves a time backwards (another instance may have written a later one).
   */
  async writeLastUsed(keys: readonly LastUsedRow[], secrets: readonly LastUsedRow[]): Promise<void> {
    if (keys.length === 0 && secrets.length === 0) return;
    const sorted = [...keys].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const cols = (rows: readonly LastUsedRow[]) => [rows.map((r) => r.id), rows.map((r) => r.at), rows.map((r) => r.ip)];
    await this.dataSource.transaction('READ COMMITTED', async (tx) => {
      // Key rows in client_id order, so two flushes (two instances) cannot deadlock.
      await tx.query(`SELECT 1 FROM api_keys WHERE client_id = ANY($1::text[]) ORDER BY client_id FOR NO KEY UPDATE`, [sorted.map((k) => k.id)]);
      await tx.query(
        `UPDATE api_keys k SET last_used_at = v.at, last_used_ip = v.ip
           FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS v(id, at, ip)
          WHERE k.client_id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)`,
        cols(sorted),
      );
      await tx.query(
        `UPDATE api_key_secrets s SET last_used_at = v.at, last_used_ip = v.ip
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS v(id, at, ip)
          WHERE s.id = v.id AND (s.last_used_at IS NULL OR s.last_used_at < v.at)`,
        cols(secrets),
      );
    });
  }
}
