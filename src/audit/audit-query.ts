/**
 * The SQL of an audit list page, built as text + parameters by a pure
 * function so that the service, the exports and the benchmark (EXPLAIN)
 * run exactly the same statement.
 *
 * Every page is "newest first, below a cursor id": each filter has an index
 * ending in `id` (migration AuditQueryIndexes), so a page is one backward
 * index range scan that stops after `limit` rows. `client_id` matches the
 * actor or the subject: an OR would defeat both indexes, so it is two scans,
 * each newest first and limited, merged and de-duplicated by id (an event
 * whose actor and subject are both the client is in both). The subject scan
 * deliberately does not exclude "actor is the client" itself: the planner
 * cannot see that the two go together, would expect such rows everywhere,
 * and walk the whole table backwards looking for them. A time range is
 * turned into an id range beforehand (AuditReadRepository.idRange): exact,
 * because occurred_at never decreases along the chain, and it lets the same
 * indexes serve it. The time itself is deliberately not repeated here: the
 * planner would then be tempted to read the whole period through the
 * occurred_at index and sort it.
 */
import type { AuditEventType, AuditOutcome } from './audit-event';
import { AUDIT_COLUMNS } from './audit-rows';

export interface AuditFilters {
  readonly type?: AuditEventType;
  readonly outcome?: AuditOutcome;
  /** Matches actor.client_id or subject.client_id. */
  readonly clientId?: string;
  readonly accountId?: string;
  /** Inclusive. */
  readonly since?: Date;
  /** Exclusive. */
  readonly until?: Date;
}

/** Where one page starts and what it may cover, in ids. */
export interface PageBounds {
  /** Inclusive lower id (from `since`: the filters' since/until are applied only through these bounds). */
  readonly minId?: string;
  /** Inclusive upper id (from `until`, or an export's snapshot of the chain head). */
  readonly maxId?: string;
  /** Exclusive: the last id of the previous page. */
  readonly beforeId?: string;
}

export interface SqlQuery {
  readonly text: string;
  readonly params: unknown[];
}

export function buildPageQuery(filters: AuditFilters, bounds: PageBounds, limit: number): SqlQuery {
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filters.type !== undefined) where.push(`type = ${p(filters.type)}`);
  if (filters.outcome !== undefined) where.push(`outcome = ${p(filters.outcome)}`);
  if (filters.accountId !== undefined) where.push(`subject_account_id = ${p(filters.accountId)}`);
  if (bounds.minId !== undefined) where.push(`id >= ${p(bounds.minId)}::bigint`);
  if (bounds.maxId !== undefined) where.push(`id <= ${p(bounds.maxId)}::bigint`);
  if (bounds.beforeId !== undefined) where.push(`id < ${p(bounds.beforeId)}::bigint`);
  const lim = p(limit);

  if (filters.clientId === undefined) {
    // Failures of one type: the page's ids first, from the partial index of failures by type, then
    // their rows. Asked for whole rows in one step, the planner takes type and outcome as independent,
    // expects thousands of token.issued failures and walks the primary key backwards to find 50: on a
    // pair that never happens it read all ten million rows (4 s) to prove the page empty.
    if (filters.type !== undefined && filters.outcome === 'failure') {
      const ids = `SELECT id FROM audit_events${clause(where)} ORDER BY id DESC LIMIT ${lim}`;
      return { text: `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE id IN (${ids}) ORDER BY id DESC`, params };
    }
    return { text: `SELECT ${AUDIT_COLUMNS} FROM audit_events${clause(where)} ORDER BY id DESC LIMIT ${lim}`, params };
  }
  const client = p(filters.clientId);
  const asActor = [`actor_client_id = ${client}`, ...where];
  const asSubject = [`subject_client_id = ${client}`, ...where];
  const text = `SELECT DISTINCT ON (e.id) * FROM (
  (SELECT ${AUDIT_COLUMNS} FROM audit_events${clause(asActor)} ORDER BY id DESC LIMIT ${lim})
  UNION ALL
  (SELECT ${AUDIT_COLUMNS} FROM audit_events${clause(asSubject)} ORDER BY id DESC LIMIT ${lim})
) e ORDER BY e.id DESC LIMIT ${lim}`;
  return { text, params };
}

function clause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}
