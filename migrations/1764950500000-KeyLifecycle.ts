import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API key lifecycle. `expired_event_at` is set in the same transaction that
 * records a key's `key.expired` event, so the event is recorded exactly once
 * whichever instance (sweeper or token request) notices the expiry first.
 * Every account key expires: keys created before this migration without an
 * expiry get the default 90 days from now, and a CHECK keeps it so.
 */
export class KeyLifecycle1764950500000 implements MigrationInterface {
  name = 'KeyLifecycle1764950500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN expired_event_at timestamptz NULL`);
    await q.query(`UPDATE api_keys SET expires_at = now() + interval '90 days' WHERE account_id IS NOT NULL AND expires_at IS NULL`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_account_key_expires CHECK (account_id IS NULL OR expires_at IS NOT NULL)`);
    // The expiry sweeper's query: keys past expires_at whose event is still to be recorded.
    await q.query(`CREATE INDEX api_keys_expiry_pending_idx ON api_keys (expires_at) WHERE expired_event_at IS NULL AND revoked_at IS NULL`);
    // Rotation and the issuance check read a key's secrets newest first.
    await q.query(`DROP INDEX api_key_secrets_client_idx`);
    await q.query(`CREATE INDEX api_key_secrets_client_created_idx ON api_key_secrets (client_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api_key_secrets_client_created_idx`);
    await q.query(`CREATE INDEX api_key_secrets_client_idx ON api_key_secrets (client_id)`);
    await q.query(`DROP INDEX api_keys_expiry_pending_idx`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_account_key_expires`);
    // The expiries given by up() stay: they cannot be told apart from ones an admin chose since.
    await q.query(`ALTER TABLE api_keys DROP COLUMN expired_event_at`);
  }
}
