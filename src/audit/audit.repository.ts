/**
 * Appends events to the hash chain through `audit_append` (migration
 * AuditAppendFunction): the caller chains the rows onto the head it believes
 * current and the function, holding the chain-head row lock, writes them only
 * if they follow it. Every writer in every instance goes through that lock,
 * so the chain has one order; batching many events per call keeps issuance
 * from becoming one commit at a time (see AuditWriter). `occurred_at` never
 * goes backwards along the chain (an instance whose clock lags takes the
 * previous event's time), so a time range is an id range for queries and
 * retention only ever removes a prefix of the chain.
 */
import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/transactions';
import { chainHash } from './audit-chain';
import type { AuditEventInput, AuditEventView, TokenDeniedReason } from './audit-event';

// NUL is not storable in PostgreSQL text; a hostile User-Agent must not turn an audit write into a failure.
const clean = (s: string | null | undefined, max = 512): string | null =>
  s === undefined || s === null ? null : s.replace(/\u0000/g, '').slice(0, max);

/** The chain's last event. */
export interface ChainHead {
  readonly lastId: string;
  readonly lastHash: string;
  readonly lastOccurredAt: Date | null;
}

/** Why `audit_append` refused a row whose secret had to be live. */
export type LiveSecretRefusal = Extract<TokenDeniedReason, 'bad_secret' | 'key_revoked' | 'key_expired'>;

export type AppendOutcome =
  /** Written and committed with the statement (or with the caller's transaction); `head` is the new head. */
  | { readonly kind: 'appended'; readonly head: ChainHead }
  /** Nothing written: the chain had moved on; `head` is where it is now. */
  | { readonly kind: 'moved'; readonly head: ChainHead }
  /** Nothing written: per row, why its secret can no longer be used, or null. */
  | { readonly kind: 'refused'; readonly refusals: readonly (LiveSecretRefusal | null)[] };

/** Takes the chain-head row lock until the transaction ends. Key changes that cut off tokens take it (see IssuanceCheck). */
const LOCK_CHAIN_HEAD = 'SELECT last_id, last_hash, last_occurred_at FROM audit_chain_head WHERE singleton FOR UPDATE';
const READ_CHAIN_HEAD = 'SELECT last_id, last_hash, last_occurred_at FROM audit_chain_head WHERE singleton';

type HeadRow = { last_id: string; last_hash: string; last_occurred_at: Date | null };
const headOf = (row: HeadRow | undefined): ChainHead => {
  if (!row) throw new Error('audit_chain_head is missing: the migrations did not run');
  return { lastId: row.last_id, lastHash: row.last_hash, lastOccurredAt: row.last_occurred_at };
};

@Injectable()
export class AuditRepository {
  /** Appends `events` in order inside `tx`, which keeps the chain-head lock to its end; returns them as stored. */
  async append(tx: Sql, events: readonly AuditEventInput[], now: Date): Promise<AuditEventView[]> {
    if (events.length === 0) return [];
    const stored = this.chain(await this.lockHead(tx), events, now);
    const outcome = await this.appendChained(tx, stored, null, now);
    // Under the lock the head cannot have moved, and no row is guarded.
    if (outcome.kind !== 'appended') throw new Error(`audit_append did not append under the chain-head lock (${outcome.kind})`);
    return stored;
  }

  /** Locks the chain head until the transaction `tx` ends and returns it. */
  async lockHead(tx: Sql): Promise<ChainHead> {
    return headOf((await tx.query<HeadRow[]>(LOCK_CHAIN_HEAD))[0]);
  }

  async readHead(sql: Sql): Promise<ChainHead> {
    return headOf((await sql.query<HeadRow[]>(READ_CHAIN_HEAD))[0]);
  }

  /** The events as they would be stored after `head`: ids, time and hashes assigned. Pure. */
  chain(head: ChainHead, events: readonly AuditEventInput[], now: Date): AuditEventView[] {
    let lastId = BigInt(head.lastId);
    let prevHash = head.lastHash;
    const last = head.lastOccurredAt;
    const occurredAt = (last && last.getTime() > now.getTime() ? last : now).toISOString();
    return events.map((e) => {
      lastId += 1n;
      const body = {
        id: lastId.toString(),
        occurred_at: occurredAt,
        type: e.type,
        outcome: e.outcome,
        actor: { client_id: clean(e.actor.clientId, 64), ip: clean(e.actor.ip, 64), user_agent: clean(e.actor.userAgent) },
        subject: {
          client_id: clean(e.subject?.clientId, 64),
          account_id: clean(e.subject?.accountId, 64),
          jti: clean(e.subject?.jti, 64),
        },
        reason: clean(e.reason, 64),
        request_id: clean(e.requestId, 128),
        data: e.data ?? {},
      };
      const hash = chainHash(prevHash, body);
      const view: AuditEventView = { ...body, prev_hash: prevHash, hash };
      prevHash = hash;
      return view;
    });
  }

  /**
   * One `audit_append` call: writes `stored` (from `chain`) if it still
   * follows the head and every live secret (one per row, or null) is still
   * usable at `at`. In autocommit this is one round trip, committed when it
   * answers.
   */
  async appendChained(sql: Sql, stored: readonly AuditEventView[], liveSecrets: readonly (string | null)[] | null, at: Date): Promise<AppendOutcome> {
    const col = <T>(f: (v: AuditEventView) => T): T[] => stored.map(f);
    const rows = await sql.query<(HeadRow & { appended: boolean; refusals: (LiveSecretRefusal | null)[] | null })[]>(
      `SELECT appended, last_id, last_hash, last_occurred_at, refusals
         FROM audit_append($1::uuid[], $2, $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                           $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::jsonb[], $16::text[], $17::text[])`,
      [
        liveSecrets,
        at,
        col((v) => v.id),
        col((v) => v.occurred_at),
        col((v) => v.type),
        col((v) => v.outcome),
        col((v) => v.actor.client_id),
        col((v) => v.actor.ip),
        col((v) => v.actor.user_agent),
        col((v) => v.subject.client_id),
        col((v) => v.subject.account_id),
        col((v) => v.subject.jti),
        col((v) => v.reason),
        col((v) => v.request_id),
        col((v) => JSON.stringify(v.data)),
        col((v) => v.prev_hash),
        col((v) => v.hash),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('audit_append returned no row');
    if (row.refusals) return { kind: 'refused', refusals: row.refusals };
    return { kind: row.appended ? 'appended' : 'moved', head: headOf(row) };
  }
}
