import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys and their secrets, signing keys, and the audit log with its hash
 * chain head. `audit_events` is append-only at the database level: a trigger
 * refuses UPDATE, DELETE and TRUNCATE for every role, and is ENABLE ALWAYS so
 * that `session_replication_role = replica` does not silence it either.
 */
export class CreateCoreSchema1764777600000 implements MigrationInterface {
  name = 'CreateCoreSchema1764777600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        client_id          text PRIMARY KEY,
        account_id         text NULL,
        label              text NOT NULL,
        scopes             text[] NOT NULL,
        allowed_cidrs      text[] NOT NULL DEFAULT '{}',
        token_ttl_seconds  integer NOT NULL DEFAULT 900,
        created_at         timestamptz NOT NULL DEFAULT now(),
        created_by         text NULL,
        expires_at         timestamptz NULL,
        revoked_at         timestamptz NULL,
        revoked_reason     text NULL,
        last_used_at       timestamptz NULL,
        last_used_ip       text NULL,
        CONSTRAINT api_keys_client_id_format CHECK (client_id ~ '^wgxk_[0-9A-Za-z]{22}$'),
        CONSTRAINT api_keys_account_id_format CHECK (account_id IS NULL OR account_id ~ '^[A-Za-z0-9_-]{1,64}$'),
        CONSTRAINT api_keys_token_ttl_range CHECK (token_ttl_seconds BETWEEN 60 AND 3600)
      )`);
    await q.query(`CREATE INDEX api_keys_created_idx ON api_keys (created_at DESC, client_id DESC)`);
    await q.query(`CREATE INDEX api_keys_account_created_idx ON api_keys (account_id, created_at DESC, client_id DESC)`);

    await q.query(`
      CREATE TABLE api_key_secrets (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id     text NOT NULL REFERENCES api_keys (client_id),
        secret_hash   bytea NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NULL,
        revoked_at    timestamptz NULL,
        last_used_at  timestamptz NULL,
        last_used_ip  text NULL
      )`);
    await q.query(`CREATE INDEX api_key_secrets_client_idx ON api_key_secrets (client_id)`);

    await q.query(`
      CREATE TABLE signing_keys (
        kid              text PRIMARY KEY,
        alg              text NOT NULL,
        public_jwk       jsonb NOT NULL,
        private_key_enc  text NOT NULL,
        state            text NOT NULL CONSTRAINT signing_keys_state CHECK (state IN ('next', 'active', 'retired')),
        created_at       timestamptz NOT NULL DEFAULT now(),
        activated_at     timestamptz NULL,
        retired_at       timestamptz NULL
      )`);
    // At most one key signs at any time, whatever the number of instances.
    await q.query(`CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE state = 'active'`);

    await q.query(`
      CREATE TABLE audit_events (
        id                  bigint PRIMARY KEY,
        occurred_at         timestamptz NOT NULL,
        type                text NOT NULL,
        outcome             text NOT NULL CONSTRAINT audit_events_outcome CHECK (outcome IN ('success', 'failure')),
        actor_client_id     text NULL,
        actor_ip            text NULL,
        actor_user_agent    text NULL,
        subject_client_id   text NULL,
        subject_account_id  text NULL,
        subject_jti         text NULL,
        reason              text NULL,
        request_id          text NULL,
        data                jsonb NOT NULL DEFAULT '{}',
        prev_hash           text NOT NULL,
        hash                text NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_subject_jti_idx ON audit_events (subject_jti) WHERE subject_jti IS NOT NULL`);

    // The chain head: writers lock this row, so the chain has one order across every instance.
    await q.query(`
      CREATE TABLE audit_chain_head (
        singleton  boolean PRIMARY KEY DEFAULT true CONSTRAINT audit_chain_head_singleton CHECK (singleton),
        last_id    bigint NOT NULL,
        last_hash  text NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_head (singleton, last_id, last_hash) VALUES (true, 0, repeat('0', 64))`);

    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only`);
    await q.query(`ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_refuse_change()`);
    await q.query(`DROP TABLE audit_chain_head`);
    await q.query(`DROP TABLE signing_keys`);
    await q.query(`DROP TABLE api_key_secrets`);
    await q.query(`DROP TABLE api_keys`);
  }
}
