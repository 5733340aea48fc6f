/**
 * The admin view of the audit log: filtered pages newest first with a keyset
 * cursor, one event by id, and whole-set exports streamed in keyset batches.
 * Keyset on the chain id means no repeats and no gaps while events arrive:
 * ids are assigned and committed in order under the chain-head lock, so every
 * id below a page's last one was already visible when that page was read.
 */
import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Problem } from '../common/errors/problem';
import { AppConfig } from '../config/app-config';
import { AuditCursors } from './audit-cursor';
import type { AuditEventView } from './audit-event';
import { csvHeader, csvRow, ndjsonRow } from './audit-export';
import type { AuditFilters, PageBounds } from './audit-query';
import type { AuditListQuery } from './audit-query.dto';
import { AuditReadRepository } from './audit-read.repository';
import { type AuditRow, toView } from './audit-rows';

export interface AuditPage {
  items: AuditEventView[];
  next_cursor: string | null;
}

const QUERY_CANCELED = '57014';

function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Rows per export batch: a few hundred kB in memory at a time, whatever the size of the export. */
const EXPORT_BATCH = 1000;

@Injectable()
export class AuditQueryService {
  private readonly cursors: AuditCursors;

  constructor(
    private readonly repository: AuditReadRepository,
    config: AppConfig,
  ) {
    this.cursors = new AuditCursors(config.secretPepper);
  }

  async list(q: AuditListQuery): Promise<AuditPage> {
    let beforeId: string | undefined;
    if (q.cursor !== undefined) {
      const id = this.cursors.decode(q.cursor, q.filters);
      if (id === null)
        throw Problem.badRequest('cursor: not a cursor of this list (use next_cursor as given, with the same filters)', {
          errors: [{ field: 'cursor', message: 'not a cursor of this list' }],
        });
      beforeId = id;
    }
    const range = await this.repository.idRange(q.filters.since, q.filters.until);
    if (range === null) return { items: [], next_cursor: null };
    const rows = await this.page(q.filters, { ...range, beforeId }, q.limit + 1);
    const items = rows.slice(0, q.limit).map(toView);
    const last = items[items.length - 1];
    return { items, next_cursor: rows.length > q.limit && last ? this.cursors.encode(last.id, q.filters) : null };
  }

  /**
   * A page cut short by statement_timeout (the store's guard against runaway
   * queries) is a 503 that says what to do, not a 500. Only filter
   * combinations that the indexes cannot narrow get there (docs/audit-performance.md).
   */
  private async page(filters: AuditFilters, bounds: PageBounds, limit: number): Promise<AuditRow[]> {
    try {
      return await this.repository.page(filters, bounds, limit);
    } catch (err) {
      if (sqlState(err) === QUERY_CANCELED)
        throw new Problem(503, 'Service Unavailable', 'The query took too long: narrow it with since/until, client_id or account_id').withHeader(
          'Retry-After',
          '5',
        );
      throw err;
    }
  }

  async get(id: string): Promise<AuditEventView> {
    const row = await this.repository.findById(id);
    if (!row) throw Problem.notFound(`No audit event ${id}`);
    return toView(row);
  }

  /**
   * The whole filtered set, newest first, as of now: events that arrive while
   * it streams are not included. The first batch is read before anything is
   * sent, so a failing store is still a proper 503.
   */
  async export(filters: AuditFilters, format: 'ndjson' | 'csv'): Promise<Readable> {
    const range = await this.repository.idRange(filters.since, filters.until);
    const head = await this.repository.lastId();
    const maxId = range?.maxId !== undefined && BigInt(range.maxId) < BigInt(head) ? range.maxId : head;
    const bounds: PageBounds = { minId: range?.minId, maxId };
    const first = range === null ? [] : await this.page(filters, bounds, EXPORT_BATCH);
    const line = format === 'csv' ? csvRow : ndjsonRow;
    const repository = this.repository;
    async function* chunks(): AsyncGenerator<string> {
      if (format === 'csv') yield csvHeader();
      let batch = first;
      while (batch.length > 0) {
        yield batch.map((r) => line(toView(r))).join('');
        const last = batch[batch.length - 1];
        if (batch.length < EXPORT_BATCH || !last) return;
        batch = await repository.page(filters, { ...bounds, beforeId: last.id }, EXPORT_BATCH);
      }
    }
    // One chunk buffered ahead at most: memory stays flat however slow the client reads.
    return Readable.from(chunks(), { objectMode: true, highWaterMark: 1 });
  }
}
