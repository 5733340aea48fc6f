/**
 * Appends events to the hash chain. Every writer, in every instance, locks the
 * single chain-head row (LOCK_CHAIN_HEAD) until its transaction ends, so the
 * chain has one order; batching many events per lock keeps issuance from
 * becoming one commit at a time (see AuditWriter). `occurred_at` never
 * goes backwards along the chain (an instance whose clock lags takes the
 * previous event's time), so a time range is an id range for queries and
 * retention only ever removes a prefix of the chain.
 */
import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/transactions';
import { chainHash } from './audit-chain';
import type { AuditEventInput, AuditEventView } from './audit-event';

// NUL is not storable in PostgreSQL text; a hostile User-Agent must not turn an audit write into a failure.
const clean = (s: string | null | undefined, max = 512): string | null =>
  s === undefined || s === null ? null : s.replace(/\u0000/g, '').slice(0, max);

/** The chain's last event, as read under the chain-head row lock. */
export interface ChainHead {
  readonly lastId: string;
  readonly lastHash: string;
  readonly lastOccurredAt: Date | null;
}

/**
 * Takes the chain-head row lock until the transaction ends and reads the
 * head. Every appender takes it, so it is also the point where a token
 * issuance and a key revocation are put in order (see IssuanceCheck).
 */
export const LOCK_CHAIN_HEAD = 'SELECT last_id, last_hash, last_occurred_at FROM audit_chain_head WHERE singleton FOR UPDATE';

@Injectable()
export class AuditRepository {
  /** Appends `events` in order inside `tx`; returns them as stored. */
  async append(tx: Sql, events: readonly AuditEventInput[], now: Date): Promise<AuditEventView[]> {
    if (events.length === 0) return [];
    return this.appendAfter(tx, this.head(await tx.query(LOCK_CHAIN_HEAD)), events, now);
  }

  /** The head from the rows of LOCK_CHAIN_HEAD. */
  head(rows: unknown): ChainHead {
    const row = (rows as { last_id: string; last_hash: string; last_occurred_at: Date | null }[])[0];
    if (!row) throw new Error('audit_chain_head is missing: the migrations did not run');
    return { lastId: row.last_id, lastHash: row.last_hash, lastOccurredAt: row.last_occurred_at };
  }

  /**
   * Appends `events` after `head`, which `tx` must have read with
   * LOCK_CHAIN_HEAD and still hold; the rows and the new head go in one
   * statement. Returns the events as stored.
   */
  async appendAfter(tx: Sql, head: ChainHead, events: readonly AuditEventInput[], now: Date): Promise<AuditEventView[]> {
    if (events.length === 0) return [];
    let lastId = BigInt(head.lastId);
    let prevHash = head.lastHash;
    const last = head.lastOccurredAt;
    const occurredAt = (last && last.getTime() > now.getTime() ? last : now).toISOString();
    const stored: AuditEventView[] = events.map((e) => {
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
    const col = <T>(f: (v: AuditEventView) => T): T[] => stored.map(f);
    await tx.query(
      `WITH appended AS (
         INSERT INTO audit_events (id, occurred_at, type, outcome, actor_client_id, actor_ip, actor_user_agent,
           subject_client_id, subject_account_id, subject_jti, reason, request_id, data, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[]))
       UPDATE audit_chain_head SET last_id = $16, last_hash = $17, last_occurred_at = $18 WHERE singleton`,
      [
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
        lastId.toString(),
        prevHash,
        occurredAt,
      ],
    );
    return stored;
  }
}
