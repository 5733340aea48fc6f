import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a key or its secrets is announced on `wagmix_keys` (payload:
 * the client_id), whoever makes it: the admin API, the CLI or plain SQL. The
 * instances cache keys for client authentication and drop an entry when its
 * key changes. Updates that touch only last-use columns are not announced:
 * they change nothing authentication decides on.
 */
export class KeyChangeNotify1765123200000 implements MigrationInterface {
  name = 'KeyChangeNotify1765123200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND (to_jsonb(NEW) - 'last_used_at' - 'last_used_ip') = (to_jsonb(OLD) - 'last_used_at' - 'last_used_ip') THEN
          RETURN NULL;
        END IF;
        PERFORM pg_notify('wagmix_keys', CASE WHEN TG_OP = 'DELETE' THEN OLD.client_id ELSE NEW.client_id END);
        RETURN NULL;
      END
      $$`);
    for (const table of ['api_keys', 'api_key_secrets']) {
      await q.query(`
        CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION api_keys_notify_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER api_key_secrets_notify_change ON api_key_secrets`);
    await q.query(`DROP TRIGGER api_keys_notify_change ON api_keys`);
    await q.query(`DROP FUNCTION api_keys_notify_change()`);
  }
}
