/**
 * API key secrets: rotation's reads and writes and the batched last-used flush.
 * (The last check of a token issuance reads them in SQL: migration AuditAppendFunction.)
 */
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transactions';
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
