/**
 * GET /admin/audit-events, /{id} and /verify over HTTP: who may read, what
 * each filter matches, keyset pagination while events keep arriving, the two
 * streamed exports (parsed back), and a 400 problem for every bad input.
 */
import type { AuditEventView } from '../../src/audit/audit-event';
import { generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { accessToken, createKey, request, tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

interface Page {
  items: AuditEventView[];
  next_cursor: string | null;
}

describe('audit events API', () => {
  let t: TestApp;
  let token: string;
  let key: { clientId: string; secret: string };
  let other: { clientId: string; secret: string };

  const get = <T = Page>(path: string, bearer: string | null = token) =>
    request<T>(`${t.baseUrl}/admin/audit-events${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  /** Ids newest first straight from the table, for comparison with what the API answers. */
  async function ids(where: string, params: unknown[] = []): Promise<string[]> {
    const rows = await sql<{ id: string }>(t.db.url, `SELECT id FROM audit_events WHERE ${where} ORDER BY id DESC`, params);
    return rows.map((r) => String(r.id));
  }

  async function all(query: string, limit = 200): Promise<AuditEventView[]> {
    const items: AuditEventView[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Page } = await get(`?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    return items;
  }

  beforeAll(async () => {
    t = await startTestApp();
    key = await createKey(t, { account_id: 'acc_audit', scopes: ['exchange:orders:read'] });
    other = await createKey(t, { account_id: 'acc_other', scopes: ['coin:wallets:read'] });
    await accessToken(t.baseUrl, key.clientId, key.secret);
    await tokenRequest(t.baseUrl, key.clientId, generateSecret()); // token.denied bad_secret
    await accessToken(t.baseUrl, other.clientId, other.secret);
    token = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
  });
  afterAll(() => t.close());

  describe('access', () => {
    it('needs a bearer token', async () => {
      const res = await get('', null);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-auth"');
    });

    it.each(['', '/verify', '/1', '?format=csv'])('answers a token without admin:audit:read with 403 insufficient_scope (%s)', async (path) => {
      const narrow = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret, { grant_type: 'client_credentials', scope: 'admin:keys:read' });
      const res = await get(path, narrow);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-auth", error="insufficient_scope", scope="admin:audit:read"');
      expect(res.body).toMatchObject({ status: 403, scope: 'admin:audit:read' });
    });
  });

  describe('list', () => {
    it('returns events newest first in the contract shape, exactly as stored', async () => {
      const res = await get('?limit=3');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const ids = res.body.items.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const top = res.body.items[0] as AuditEventView;
      expect(Object.keys(top).sort()).toEqual(
        ['actor', 'data', 'hash', 'id', 'occurred_at', 'outcome', 'prev_hash', 'reason', 'request_id', 'subject', 'type'].sort(),
      );
      const [row] = await sql<{ hash: string; occurred_at: Date }>(t.db.url, 'SELECT hash, occurred_at FROM audit_events WHERE id = $1', [top.id]);
      expect(top.hash).toBe(row?.hash);
      expect(top.occurred_at).toBe(row?.occurred_at.toISOString());
      expect(res.body.next_cursor).toEqual(expect.any(String));
    });

    it('filters by type, outcome and account', async () => {
      const denied = await all('type=token.denied');
      expect(denied.map((e) => [e.type, e.outcome, e.reason, e.actor.client_id])).toEqual([['token.denied', 'failure', 'bad_secret', key.clientId]]);
      const failures = await all('outcome=failure');
      expect(failures.map((e) => e.id)).toContain(denied[0]?.id);
      expect(failures.map((e) => e.id)).toEqual(await ids("outcome = 'failure'"));
      expect((await all('outcome=success')).map((e) => e.id)).toEqual(await ids("outcome = 'success'"));
      expect((await all('type=token.issued')).map((e) => e.id)).toEqual(await ids("type = 'token.issued'"));
      const account = await all('account_id=acc_audit');
      expect(account.map((e) => e.type).sort()).toEqual(['key.created', 'token.issued']);
      expect(account.every((e) => e.subject.account_id === 'acc_audit')).toBe(true);
    });

    it('matches client_id as the actor or the subject, each event once', async () => {
      const mine = await all(`client_id=${key.clientId}`);
      expect(mine.map((e) => e.type)).toEqual(['token.denied', 'token.issued', 'key.created']);
      expect(mine[2]?.actor.client_id).toBe(t.admin.clientId); // the key only as subject
      const admin = await all(`client_id=${t.admin.clientId}`);
      const created = admin.filter((e) => e.type === 'key.created' && e.actor.client_id === t.admin.clientId);
      expect(created.map((e) => e.subject.client_id)).toEqual([other.clientId, key.clientId]);
      expect(admin.map((e) => e.id)).toEqual(await ids('actor_client_id = $1 OR subject_client_id = $1', [t.admin.clientId]));
    });

    it('filters by time: since inclusive, until exclusive', async () => {
      const events = (await all('')).reverse();
      const pivot = events.find((e) => e.type === 'token.denied') as AuditEventView;
      const since = await all(`since=${pivot.occurred_at}`);
      expect(since.every((e) => e.occurred_at >= pivot.occurred_at)).toBe(true);
      expect(since.map((e) => e.id)).toContain(pivot.id);
      const until = await all(`until=${pivot.occurred_at}`);
      expect(until.every((e) => e.occurred_at < pivot.occurred_at)).toBe(true);
      expect(since.length + until.length).toBe(events.length);
      const offset = pivot.occurred_at.replace('Z', '+00:00');
      expect((await all(`since=${encodeURIComponent(offset)}&type=token.denied`)).map((e) => e.id)).toEqual([pivot.id]);
      expect(await all('since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z')).toEqual([]);
    });

    it('pages one type\'s failures newest first, and answers an empty page for a pair that never happens', async () => {
      for (let i = 0; i < 3; i++) await tokenRequest(t.baseUrl, other.clientId, generateSecret());
      const expected = await ids("type = 'token.denied' AND outcome = 'failure'");
      expect(expected.length).toBeGreaterThanOrEqual(4);
      expect((await all('type=token.denied&outcome=failure', 1)).map((e) => e.id)).toEqual(expected);
      const none = await get('?type=token.issued&outcome=failure');
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ items: [], next_cursor: null });
    });

    it('pages without repeats or gaps while tokens are issued concurrently', async () => {
      const issuing = Promise.all(Array.from({ length: 30 }, () => accessToken(t.baseUrl, key.clientId, key.secret)));
      const seen: string[] = [];
      let res = await get('?limit=4');
      const firstMax = BigInt(res.body.items[0]?.id ?? '0');
      for (;;) {
        seen.push(...res.body.items.map((e) => e.id));
        if (!res.body.next_cursor) break;
        res = await get(`?limit=4&cursor=${res.body.next_cursor}`);
        expect(res.status).toBe(200);
      }
      await issuing;
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(await ids('id <= $1', [firstMax.toString()]));
    });

    it('keeps a filtered cursor to its filters', async () => {
      const first = await get('?type=token.issued&limit=1');
      const cursor = first.body.next_cursor as string;
      const next = await get(`?type=token.issued&limit=1&cursor=${cursor}`);
      expect(next.status).toBe(200);
      expect(BigInt(next.body.items[0]?.id ?? '0')).toBeLessThan(BigInt(first.body.items[0]?.id ?? '0'));
      const moved = await get(`?type=key.created&limit=1&cursor=${cursor}`);
      expect(moved.status).toBe(400);
      expect(moved.body).toMatchObject({ errors: [{ field: 'cursor' }] });
    });
  });

  describe('one event', () => {
    it('returns the event by id', async () => {
      const [latest] = (await get('?limit=1')).body.items;
      const res = await get<AuditEventView>(`/${latest?.id ?? ''}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(latest);
    });

    it('answers 404 problem for an id that does not exist', async () => {
      const res = await get('/9000000000');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])('answers 400 for id %s', async (id) => {
      const res = await get(`/${id}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errors: [{ field: 'id' }] });
    });
  });

  describe('exports', () => {
    it('streams NDJSON: the same events as the list', async () => {
      const listed = await all('');
      const res = await get('?format=ndjson');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="audit-events.ndjson"');
      const lines = res.text.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l) as AuditEventView)).toEqual(listed);
    });

    it('streams CSV with flattened columns, properly quoted, that parses back to the same events', async () => {
      await tokenRequest(t.baseUrl, key.clientId, key.secret, { grant_type: 'client_credentials' }).then(() => undefined);
      await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'evil, "quoted"\tagent =1+1' },
        body: `grant_type=client_credentials&client_id=${key.clientId}&client_secret=${generateSecret()}`,
      });
      const listed = await all(`client_id=${key.clientId}`);
      const res = await get(`?format=csv&client_id=${key.clientId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      const [header, ...rows] = parseCsv(res.text);
      expect(header).toEqual([
        'id', 'occurred_at', 'type', 'outcome', 'actor_client_id', 'actor_ip', 'actor_user_agent', 'subject_client_id',
        'subject_account_id', 'subject_jti', 'reason', 'request_id', 'data', 'prev_hash', 'hash',
      ]);
      const back = rows.map((r) => {
        const v = (i: number) => (r[i] === null ? null : (r[i] as string));
        return {
          id: v(0), occurred_at: v(1), type: v(2), outcome: v(3),
          actor: { client_id: v(4), ip: v(5), user_agent: v(6) },
          subject: { client_id: v(7), account_id: v(8), jti: v(9) },
          reason: v(10), request_id: v(11), data: JSON.parse(v(12) as string) as unknown, prev_hash: v(13), hash: v(14),
        };
      });
      expect(back).toEqual(listed);
      expect(back.map((e) => e.actor.user_agent)).toContain('evil, "quoted"\tagent =1+1');
    });

    it('streams an empty CSV as its header alone', async () => {
      const res = await get('?format=csv&since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z');
      expect(res.status).toBe(200);
      expect(res.text.split('\r\n')).toHaveLength(2);
    });
  });

  describe('bad input is a 400 problem naming the field', () => {
    it.each([
      ['?since=yesterday', 'since'],
      ['?until=2026-02-30T00:00:00Z', 'until'],
      ['?since=2026-01-01', 'since'],
      ['?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'since'],
      ['?type=token.stolen', 'type'],
      ['?outcome=maybe', 'outcome'],
      ['?account_id=a%20b', 'account_id'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?type=token.issued&type=token.denied', 'type'],
      ['?actor=x', 'actor'],
      ['?cursor=garbage', 'cursor'],
      ['?format=xml', 'format'],
      ['?format=csv&limit=10', 'limit'],
      ['/verify?full=1', 'full'],
    ])('%s', async (query, field) => {
      const res = await get(query);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field })] });
      expect(res.body).toHaveProperty('request_id');
    });

    it('refuses a cursor with one character changed', async () => {
      const cursor = (await get('?limit=1')).body.next_cursor as string;
      const flipped = cursor.slice(0, 2) + (cursor[2] === 'A' ? 'B' : 'A') + cursor.slice(3);
      const res = await get(`?limit=1&cursor=${flipped}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errors: [{ field: 'cursor' }] });
    });
  });

  it('verifies the chain', async () => {
    const res = await get<{ ok: boolean; checked: number; first_bad_id: string | null }>('/verify');
    expect(res.status).toBe(200);
    const [{ n }] = (await sql<{ n: string }>(t.db.url, 'SELECT count(*) AS n FROM audit_events')) as [{ n: string }];
    expect(res.body.ok).toBe(true);
    expect(res.body.first_bad_id).toBeNull();
    expect(res.body.checked).toBeGreaterThanOrEqual(Number(n));
  });
});

/** RFC 4180, with empty unquoted fields read as null (how the export writes null). */
function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        v += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          v += '"';
          i++;
        } else break;
      }
      value = v;
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      const v = end === -1 ? text.slice(i) : text.slice(i, i + end);
      i += v.length;
      value = v === '' ? null : v;
    }
    row.push(value);
    if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else i++;
  }
  return rows;
}
