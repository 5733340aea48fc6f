import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_append`: one call appends a batch of chained events, so the group
 * commit of token issuance is one statement, and in autocommit one round trip
 * with its commit, instead of BEGIN, lock, check, insert and COMMIT in turn.
 *
 * The caller chains the rows (ids, hashes) onto the head it believes current;
 * the function locks the head row and appends only if the first row follows
 * it (`p_prev_hash[1]` is its hash, `p_id[1]` its id + 1). Otherwise nothing
 * is written and the head comes back, for the caller to chain again.
 *
 * `p_live_secret` holds, per row, an API secret that must still be usable at
 * `p_at` (token.issued: the secret that authenticated the request), or NULL.
 * It is checked after the head lock is held, in a statement of its own and
 * so, under READ COMMITTED, with a snapshot taken after the lock: a key revoke
 * or rotation takes the same lock before it writes, so the check sees it once
 * it has committed. If any row's secret or key is no longer usable, nothing is
 * written and the reasons come back (NULL for rows that may go ahead), in the
 * order authentication decides them: the secret, then the key.
 */
export class AuditAppendFunction1765296000000 implements MigrationInterface {
  name = 'AuditAppendFunction1765296000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_append(
        p_live_secret uuid[], p_at timestamptz,
        p_id bigint[], p_occurred_at timestamptz[], p_type text[], p_outcome text[],
        p_actor_client_id text[], p_actor_ip text[], p_actor_user_agent text[],
        p_subject_client_id text[], p_subject_account_id text[], p_subject_jti text[],
        p_reason text[], p_request_id text[], p_data jsonb[], p_prev_hash text[], p_hash text[])
      RETURNS TABLE (appended boolean, last_id bigint, last_hash text, last_occurred_at timestamptz, refusals text[])
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        head audit_chain_head%ROWTYPE;
        n int := cardinality(p_id);
        why text[];
      BEGIN
        SELECT * INTO head FROM audit_chain_head WHERE singleton FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'audit_chain_head is missing: the migrations did not run';
        END IF;
        IF n = 0 OR p_id[1] <> head.last_id + 1 OR p_prev_hash[1] <> head.last_hash THEN
          RETURN QUERY SELECT false, head.last_id, head.last_hash, head.last_occurred_at, NULL::text[];
          RETURN;
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(p_live_secret) s WHERE s IS NOT NULL) THEN
          SELECT array_agg(
                   CASE
                     WHEN g.secret IS NULL THEN NULL
                     WHEN s.id IS NULL OR s.revoked_at IS NOT NULL OR s.expires_at <= p_at THEN 'bad_secret'
                     WHEN k.revoked_at IS NOT NULL THEN 'key_revoked'
                     WHEN k.expires_at <= p_at THEN 'key_expired'
                   END ORDER BY g.ord)
            INTO why
            FROM unnest(p_live_secret) WITH ORDINALITY AS g(secret, ord)
            LEFT JOIN api_key_secrets s ON s.id = g.secret
            LEFT JOIN api_keys k ON k.client_id = s.client_id;
          IF EXISTS (SELECT 1 FROM unnest(why) r WHERE r IS NOT NULL) THEN
            RETURN QUERY SELECT false, head.last_id, head.last_hash, head.last_occurred_at, why;
            RETURN;
          END IF;
        END IF;
        INSERT INTO audit_events (id, occurred_at, type, outcome, actor_client_id, actor_ip, actor_user_agent,
            subject_client_id, subject_account_id, subject_jti, reason, request_id, data, prev_hash, hash)
          SELECT * FROM unnest(p_id, p_occurred_at, p_type, p_outcome, p_actor_client_id, p_actor_ip, p_actor_user_agent,
            p_subject_client_id, p_subject_account_id, p_subject_jti, p_reason, p_request_id, p_data, p_prev_hash, p_hash);
        UPDATE audit_chain_head SET last_id = p_id[n], last_hash = p_hash[n], last_occurred_at = p_occurred_at[n] WHERE singleton;
        RETURN QUERY SELECT true, p_id[n], p_hash[n], p_occurred_at[n], NULL::text[];
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(uuid[], timestamptz, bigint[], timestamptz[], text[], text[], text[], text[], text[],
      text[], text[], text[], text[], text[], jsonb[], text[], text[])`);
  }
}
