import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revocations the guard must know without a database read per request: one
 * token (by jti), every token of a key, or every token minted with one secret,
 * issued at or before `revoked_at`. Rows can be forgotten after `expires_at`,
 * when every token they could match has expired anyway.
 */
export class CreateTokenRevocations1764864000000 implements MigrationInterface {
  name = 'CreateTokenRevocations1764864000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE token_revocations (
        id          bigserial PRIMARY KEY,
        kind        text NOT NULL CONSTRAINT token_revocations_kind CHECK (kind IN ('token', 'key', 'secret')),
        subject     text NOT NULL,
        revoked_at  timestamptz NOT NULL,
        expires_at  timestamptz NOT NULL,
        reason      text NULL
      )`);
    await q.query(`CREATE INDEX token_revocations_expires_idx ON token_revocations (expires_at)`);
    await q.query(`CREATE INDEX token_revocations_subject_idx ON token_revocations (kind, subject)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE token_revocations`);
  }
}
