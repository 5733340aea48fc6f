/**
 * Reads of the audit log: list pages, one event, time-to-id translation, and
 * a consistent snapshot of the chain for the verifier. Writes live in
 * AuditRepository (appends) and AuditPruneRepository (retention).
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditFilters, buildPageQuery, type PageBounds } from './audit-query';
import { AUDIT_COLUMNS, type AuditRow } from './audit-rows';

export interface ChainHead {
  readonly lastId: string;
  readonly lastHash: string;
}

/** Reads inside one REPEATABLE READ snapshot: rows, head and checkpoints agree even while writers and retention run. */
export interface ChainSnapshot {
  head(): Promise<ChainHead>;
  firstId(): Promise<string | null>;
  lastRowId(): Promise<string | null>;
  /** through_hash of the latest `audit.pruned` event whose checkpoint is `throughId`. */
  checkpointHash(throughId: string): Promise<string | null>;
  /** Up to `limit` rows with afterId < id ≤ upTo, in chain order. */
  rowsAfter(afterId: string, upTo: string, limit: number): Promise<AuditRow[]>;
}

@Injectable()
export class AuditReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(filters: AuditFilters, bounds: PageBounds, limit: number): Promise<AuditRow[]> {
    const q = buildPageQuery(filters, bounds, limit);
    return (await this.dataSource.query(q.text, q.params)) as AuditRow[];
  }

  /**
   * The ids that `since`/`until` can cover. Sound because occurred_at never
   * decreases along the chain (AuditRepository.append): the first event at or
   * after `since` has the lowest id of them all. `null` means nothing matches.
   */
  async idRange(since: Date | undefined, until: Date | undefined): Promise<{ minId?: string; maxId?: string } | null> {
    let minId: string | undefined;
    let maxId: string | undefined;
    if (since) {
      const rows = (await this.dataSource.query(
        'SELECT id FROM audit_events WHERE occurred_at >= $1 ORDER BY occurred_at, id LIMIT 1',
        [since.toISOString()],
      )) as { id: string }[];
      if (!rows[0]) return null;
      minId = rows[0].id;
    }
    if (until) {
      const rows = (await this.dataSource.query(
        'SELECT id FROM audit_events WHERE occurred_at < $1 ORDER BY occurred_at DESC, id DESC LIMIT 1',
        [until.toISOString()],
      )) as { id: string }[];
      if (!rows[0]) return null;
      maxId = rows[0].id;
    }
    if (minId !== undefined && maxId !== undefined && BigInt(minId) > BigInt(maxId)) return null;
    return { minId, maxId };
  }

  async findById(id: string): Promise<AuditRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE id = $1::bigint`, [id])) as AuditRow[];
    return rows[0] ?? null;
  }

  /** The id of the newest committed event (0 when none): an export's fixed upper bound. */
  async lastId(): Promise<string> {
    const rows = (await this.dataSource.query('SELECT last_id FROM audit_chain_head WHERE singleton')) as { last_id: string }[];
    return rows[0]?.last_id ?? '0';
  }

  snapshot<T>(work: (s: ChainSnapshot) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      return work(snapshotOf(m));
    });
  }
}

function snapshotOf(m: EntityManager): ChainSnapshot {
  return {
    async head() {
      const rows = (await m.query('SELECT last_id, last_hash FROM audit_chain_head WHERE singleton')) as { last_id: string; last_hash: string }[];
      const head = rows[0];
      if (!head) throw new Error('audit_chain_head is missing: the migrations did not run');
      return { lastId: head.last_id, lastHash: head.last_hash };
    },
    async firstId() {
      const rows = (await m.query('SELECT min(id) AS id FROM audit_events')) as { id: string | null }[];
      return rows[0]?.id ?? null;
    },
    async lastRowId() {
      const rows = (await m.query('SELECT max(id) AS id FROM audit_events')) as { id: string | null }[];
      return rows[0]?.id ?? null;
    },
    async checkpointHash(throughId) {
      const rows = (await m.query(
        `SELECT data->>'through_hash' AS h FROM audit_events
         WHERE type = 'audit.pruned' AND data->>'through_id' = $1 ORDER BY id DESC LIMIT 1`,
        [throughId],
      )) as { h: string | null }[];
      return rows[0]?.h ?? null;
    },
    async rowsAfter(afterId, upTo, limit) {
      return (await m.query(
        `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE id > $1::bigint AND id <= $2::bigint ORDER BY id LIMIT $3`,
        [afterId, upTo, limit],
      )) as AuditRow[];
    },
  };
}
