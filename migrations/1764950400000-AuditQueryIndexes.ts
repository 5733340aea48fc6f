import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the audit admin API and retention need from the database.
 *
 * - Indexes that end in `id`, so every filter (`type`, either client id,
 *   account, time) is an index range walked newest first and a first page
 *   reads a few dozen entries whatever the table size (docs/audit-performance.md).
 * - `audit_chain_head.last_occurred_at`: writers keep `occurred_at`
 *   non-decreasing along the chain, so a time range is an id range and what
 *   retention removes is always a prefix of the chain.
 * - The one way past the append-only trigger: `audit_prune(before)`, which
 *   removes the events older than a whole UTC day boundary (never less than a
 *   day old) and returns the checkpoint (id and hash of the last removed
 *   event) that the caller records as `audit.pruned` in the same transaction.
 *   The trigger still refuses every UPDATE, TRUNCATE and any other DELETE.
 *   docs/audit.md says what this does and does not stop.
 */
export class AuditQueryIndexes1764950400000 implements MigrationInterface {
  name = 'AuditQueryIndexes1764950400000';

  async up(q: QueryRunner): Promise<void> {
    // Building these on a large existing log takes minutes, far past the pool's 10 s statement timeout.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`CREATE INDEX audit_events_type_id_idx ON audit_events (type, id)`);
    await q.query(`CREATE INDEX audit_events_actor_client_id_idx ON audit_events (actor_client_id, id)`);
    await q.query(`CREATE INDEX audit_events_subject_client_id_idx ON audit_events (subject_client_id, id)`);
    await q.query(`CREATE INDEX audit_events_subject_account_id_idx ON audit_events (subject_account_id, id)`);
    await q.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at, id)`);

    await q.query(`ALTER TABLE audit_chain_head ADD COLUMN last_occurred_at timestamptz NULL`);
    await q.query(`UPDATE audit_chain_head SET last_occurred_at = (SELECT max(occurred_at) FROM audit_events)`);

    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        boundary timestamptz;
      BEGIN
        -- Retention's only way through: a DELETE while audit_prune() has raised its
        -- transaction-local flag, of an event older than its boundary, which is
        -- itself at least a day old. Any role can raise the flag by hand (custom
        -- settings are not privileged): that is why the age rule is checked here too.
        IF TG_OP = 'DELETE' AND current_setting('wagmix.audit_prune', true) = 'on' THEN
          boundary := to_timestamp(nullif(current_setting('wagmix.audit_prune_before', true), '')::double precision);
          IF boundary <= now() - interval '1 day' AND OLD.occurred_at < boundary THEN
            RETURN OLD;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);

    await q.query(`
      CREATE FUNCTION audit_prune(before timestamptz)
      RETURNS TABLE (through_id bigint, through_hash text, removed bigint)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
      DECLARE
        first_kept bigint;
        last_id_gone bigint;
        last_hash_gone text;
        n bigint;
      BEGIN
        IF before IS NULL OR before <> date_trunc('day', before, 'UTC') THEN
          RAISE EXCEPTION 'audit_prune: % is not the start of a UTC day', before USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF before > now() - interval '1 day' THEN
          RAISE EXCEPTION 'audit_prune: events less than a day old are never removed' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- One pruner at a time, whatever the number of instances.
        PERFORM pg_advisory_xact_lock(hashtext('wagmix.audit_prune'));
        -- Cut the chain at the first event that is not old enough: what goes is
        -- always a prefix, so the rest verifies from one checkpoint.
        SELECT e.id INTO first_kept FROM audit_events e WHERE e.occurred_at >= before ORDER BY e.id LIMIT 1;
        IF first_kept IS NULL THEN
          SELECT h.last_id + 1 INTO first_kept FROM audit_chain_head h;
        END IF;
        SELECT e.id, e.hash INTO last_id_gone, last_hash_gone FROM audit_events e WHERE e.id < first_kept ORDER BY e.id DESC LIMIT 1;
        IF last_id_gone IS NULL THEN
          RETURN;
        END IF;
        PERFORM set_config('wagmix.audit_prune_before', extract(epoch FROM before)::text, true);
        PERFORM set_config('wagmix.audit_prune', 'on', true);
        DELETE FROM audit_events WHERE id < first_kept;
        GET DIAGNOSTICS n = ROW_COUNT;
        -- Lowered at once: the rest of the caller's transaction gets no bypass.
        PERFORM set_config('wagmix.audit_prune', 'off', true);
        PERFORM set_config('wagmix.audit_prune_before', '', true);
        RETURN QUERY SELECT last_id_gone, last_hash_gone, n;
      END
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit_prune(timestamptz) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_prune(timestamptz)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`ALTER TABLE audit_chain_head DROP COLUMN last_occurred_at`);
    await q.query(`DROP INDEX audit_events_occurred_at_idx`);
    await q.query(`DROP INDEX audit_events_subject_account_id_idx`);
    await q.query(`DROP INDEX audit_events_subject_client_id_idx`);
    await q.query(`DROP INDEX audit_events_actor_client_id_idx`);
    await q.query(`DROP INDEX audit_events_type_id_idx`);
  }
}
