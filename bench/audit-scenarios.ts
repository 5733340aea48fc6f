/**
 * The filtered first pages bench/audit-volume.ts times: each filter alone,
 * each with a time range (recent and old, narrow and wide), and a few
 * combinations, with values picked from the generated data (the busiest
 * key, a quiet one, a busy account, a rare type).
 */
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Problem } from '../src/common/errors/problem';
import { buildPageQuery } from '../src/audit/audit-query';
import { parseListQuery } from '../src/audit/audit-query.dto';
import type { AuditQueryService } from '../src/audit/audit-query.service';
import type { AuditReadRepository } from '../src/audit/audit-read.repository';
import { summarize, type Timing } from './audit-report';

export interface Scenario {
  readonly name: string;
  readonly query: Record<string, string>;
}

export function scenarios(v: { busy: string; quiet: string; account: string; end: Date }): Scenario[] {
  const iso = (days: number, hours = 0) => new Date(v.end.getTime() - days * 86_400_000 + hours * 3_600_000).toISOString();
  const oldHour = { since: iso(20), until: iso(20, 1) };
  const oldDay = { since: iso(20), until: iso(19) };
  const recent = { since: iso(7) };
  return [
    { name: 'no filter', query: {} },
    { name: 'type (common)', query: { type: 'token.issued' } },
    { name: 'type (rare)', query: { type: 'key.revoked' } },
    { name: 'outcome=failure', query: { outcome: 'failure' } },
    { name: 'client_id (busiest key)', query: { client_id: v.busy } },
    { name: 'client_id (quiet key)', query: { client_id: v.quiet } },
    { name: 'account_id', query: { account_id: v.account } },
    { name: 'since (last 7 days)', query: recent },
    { name: 'since+until (one hour, 20 days ago)', query: oldHour },
    { name: 'type (rare) + one day, 20 days ago', query: { type: 'key.revoked', ...oldDay } },
    { name: 'type (common) + one hour, 20 days ago', query: { type: 'token.issued', ...oldHour } },
    { name: 'outcome=failure + one hour, 20 days ago', query: { outcome: 'failure', ...oldHour } },
    { name: 'client_id (busiest) + one hour, 20 days ago', query: { client_id: v.busy, ...oldHour } },
    { name: 'client_id (quiet) + one day, 20 days ago', query: { client_id: v.quiet, ...oldDay } },
    { name: 'account_id + one day, 20 days ago', query: { account_id: v.account, ...oldDay } },
    { name: 'account_id + last 7 days', query: { account_id: v.account, ...recent } },
    { name: 'type=token.denied + client_id (busiest)', query: { type: 'token.denied', client_id: v.busy } },
    { name: 'outcome=failure + account_id', query: { outcome: 'failure', account_id: v.account } },
    { name: 'type + outcome + client + one day', query: { type: 'token.denied', outcome: 'failure', client_id: v.busy, ...oldDay } },
    { name: 'type=token.issued + outcome=failure (a pair that never happens: empty)', query: { type: 'token.issued', outcome: 'failure' } },
  ];
}

export const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

/** A query the store cancelled (statement_timeout, answered 503) counts as Infinity, and is not repeated. */
export async function timeOnce(run: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  try {
    const rows = await run();
    return { ms: performance.now() - t0, rows };
  } catch (err) {
    if (err instanceof Problem && err.status === 503) return { ms: Infinity, rows: 0 };
    throw err;
  }
}

/** `runs` timings of the service's first page, in ms (the first is the first ever run of that query). */
export async function timeService(service: AuditQueryService, query: Record<string, string>, runs: number): Promise<{ timing: Timing; rows: number }> {
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs && samples.every(Number.isFinite); i++) {
    const r = await timeOnce(async () => (await service.list(parseListQuery(query))).items.length);
    samples.push(r.ms);
    rows = r.rows;
  }
  return { timing: summarize(samples), rows };
}

export async function timeHttp(baseUrl: string, token: string, query: Record<string, string>, runs: number): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs && samples.every(Number.isFinite); i++) {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/admin/audit-events?${qs(query)}`, { headers: { authorization: `Bearer ${token}` } });
    await res.text();
    if (res.status !== 200 && res.status !== 503) throw new Error(`HTTP ${res.status} for ${qs(query)}`);
    samples.push(res.status === 503 ? Infinity : performance.now() - t0);
  }
  return summarize(samples);
}

/** EXPLAIN (ANALYZE, BUFFERS) of exactly the page statement the service sends for this query. */
export async function explain(ds: DataSource, repo: AuditReadRepository, query: Record<string, string>): Promise<string> {
  const q = parseListQuery(query);
  const range = await repo.idRange(q.filters.since, q.filters.until);
  if (range === null) return '(no id range: the service answers an empty page without a page query)';
  const sql = buildPageQuery(q.filters, range, q.limit + 1);
  let note = '';
  let rows: { 'QUERY PLAN': string }[];
  try {
    rows = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.params)) as { 'QUERY PLAN': string }[];
  } catch (err) {
    if ((err as { driverError?: { code?: string } }).driverError?.code !== '57014') throw err;
    note = '-- EXPLAIN ANALYZE cancelled by statement_timeout (10 s); the plan without ANALYZE:\n';
    rows = (await ds.query(`EXPLAIN ${sql.text}`, sql.params)) as { 'QUERY PLAN': string }[];
  }
  const bounds = Object.entries(range)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return `${bounds ? `-- id bounds from since/until: ${bounds}\n` : ''}${note}${rows.map((r) => r['QUERY PLAN']).join('\n')}`;
}
