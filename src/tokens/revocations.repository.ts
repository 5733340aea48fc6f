import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transactions';
import type { RevocationEntry } from './revocation-state';

export const REVOCATIONS_CHANNEL = 'wagmix_revocations';

@Injectable()
export class RevocationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the entry and notifies every instance; the notification leaves when `tx` commits. */
  async insert(tx: Tx, entry: RevocationEntry, reason: string | null): Promise<void> {
    await tx.query(
      `INSERT INTO token_revocations (kind, subject, revoked_at, expires_at, reason)
       VALUES ($1, $2, to_timestamp($3::double precision / 1000), to_timestamp($4::double precision / 1000), $5)`,
      [entry.kind, entry.subject, entry.revokedAt, entry.expiresAt, reason],
    );
    await tx.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, JSON.stringify(entry)]);
  }

  async findLive(): Promise<RevocationEntry[]> {
    const rows = (await this.dataSource.query(
      `SELECT kind, subject,
              (extract(epoch FROM revoked_at) * 1000)::float8 AS revoked_at,
              (extract(epoch FROM expires_at) * 1000)::float8 AS expires_at
         FROM token_revocations WHERE expires_at > now()`,
    )) as { kind: RevocationEntry['kind']; subject: string; revoked_at: number; expires_at: number }[];
    return rows.map((r) => ({ kind: r.kind, subject: r.subject, revokedAt: r.revoked_at, expiresAt: r.expires_at }));
  }

  async deleteExpired(): Promise<number> {
    const result = (await this.dataSource.query('DELETE FROM token_revocations WHERE expires_at < now()')) as unknown[] | [unknown[], number];
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  /** The URL of the store, for the dedicated LISTEN connection. */
  connectionUrl(): string {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('the data source has no URL');
    return url;
  }
}
