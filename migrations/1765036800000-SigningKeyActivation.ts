import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staged signing-key rotation: a `next` key carries the instant it starts
 * signing, so every instance switches at that same instant whatever the
 * moment it loaded the key.
 */
export class SigningKeyActivation1765036800000 implements MigrationInterface {
  name = 'SigningKeyActivation1765036800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz NULL`);
    await q.query(`UPDATE signing_keys SET activates_at = coalesce(activated_at, created_at)`);
    await q.query(`ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL`);
    // At most one key waits to sign: a second rotation while one is staged is refused.
    await q.query(`CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys ((true)) WHERE state = 'next'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX signing_keys_one_next`);
    await q.query(`ALTER TABLE signing_keys DROP COLUMN activates_at`);
  }
}
