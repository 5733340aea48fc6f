/**
 * GET /admin/keys as an admin's script pages through it: filters, newest
 * first, an opaque cursor that neither skips nor repeats a key while others
 * are created, and a 400 problem for every bad parameter.
 */
import { sql } from '../support/db-query';
import { adminApi, adminKeyWith, type AdminApi, expectProblem, expectValidationProblem } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

type Page = { items: { client_id: string; status: string; secrets: unknown[] }[]; next_cursor: string | null };

describe('GET /admin/keys', () => {
  let t: TestApp;
  let api: AdminApi;
  const ids: string[] = []; // acc_list keys, oldest first

  beforeAll(async () => {
    t = await startTestApp();
    api = await adminApi(t);
    for (let i = 0; i < 5; i++) ids.push((await api.create({ account_id: 'acc_list', label: `key ${i}`, scopes: ['coin:wallets:read'] })).clientId);
    await api.create({ account_id: 'acc_other', scopes: ['coin:wallets:read'] });
  });
  afterAll(() => t.close());

  const list = async (query: string) => {
    const res = await api.get(`/admin/keys${query}`);
    expect(res.status).toBe(200);
    return res.body as unknown as Page;
  };
  const pages = async (query: string, from: string | null = null): Promise<Page[]> => {
    const out: Page[] = [];
    let cursor: string | null = from;
    do {
      const page: Page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
      out.push(page);
      cursor = page.next_cursor;
    } while (cursor && out.length < 20);
    return out;
  };

  it('filters by account, newest first, with the key view and no next page', async () => {
    const page = await list('?account_id=acc_list');
    expect(page.items.map((k) => k.client_id)).toEqual([...ids].reverse());
    expect(page.next_cursor).toBeNull();
    expect(page.items[0]).toMatchObject({ account_id: 'acc_list', label: 'key 4', status: 'active', secrets: [expect.objectContaining({ id: expect.any(String) })] });
    const text = JSON.stringify(page);
    expect(text).not.toMatch(/secret_hash|client_secret/);
  });

  it('pages with an opaque cursor, every key exactly once', async () => {
    const all = await pages('?account_id=acc_list&limit=2');
    expect(all.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(all.flatMap((p) => p.items.map((k) => k.client_id))).toEqual([...ids].reverse());
    expect(all[0]?.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(all[0]?.next_cursor).not.toContain('wgxk_');
  });

  it('stays stable while keys are created between pages', async () => {
    const first = await list('?account_id=acc_list&limit=2');
    await Promise.all([1, 2, 3].map((i) => api.create({ account_id: 'acc_list', label: `late ${i}`, scopes: ['coin:wallets:read'] })));
    const rest = await pages('?account_id=acc_list&limit=2', first.next_cursor);
    const seen = [...first.items, ...rest.flatMap((p) => p.items)].map((k) => k.client_id);
    expect(seen).toEqual([...ids].reverse());
    // The new keys are on top for whoever starts again.
    expect((await list('?account_id=acc_list&limit=3')).items.map((k) => k.client_id)).not.toContain(ids[4]);
  });

  it('breaks ties of created_at by client_id, so equal times neither repeat nor skip', async () => {
    const same = await Promise.all([1, 2, 3, 4].map(() => api.create({ account_id: 'acc_tie', scopes: ['coin:wallets:read'] })));
    await sql(t.db.url, "UPDATE api_keys SET created_at = '2026-01-01T00:00:00Z' WHERE account_id = 'acc_tie'");
    const all = await pages('?account_id=acc_tie&limit=1');
    expect(all.flatMap((p) => p.items.map((k) => k.client_id))).toEqual(same.map((k) => k.clientId).sort().reverse());
  });

  it('filters by status: active, revoked, expired', async () => {
    const [a, r, e] = await Promise.all([1, 2, 3].map(() => api.create({ account_id: 'acc_status', scopes: ['coin:wallets:read'] })));
    expect((await api.send('POST', `/admin/keys/${r?.clientId}/revoke`, { reason: 'test' })).status).toBe(200);
    await sql(t.db.url, "UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE client_id = $1", [e?.clientId]);
    const ids = async (status: string) => (await list(`?account_id=acc_status&status=${status}`)).items.map((k) => [k.client_id, k.status]);
    expect(await ids('active')).toEqual([[a?.clientId, 'active']]);
    expect(await ids('revoked')).toEqual([[r?.clientId, 'revoked']]);
    expect(await ids('expired')).toEqual([[e?.clientId, 'expired']]);
  });

  it('answers 50 keys by default and at most 200', async () => {
    await sql(
      t.db.url,
      `INSERT INTO api_keys (client_id, account_id, label, scopes, expires_at)
       SELECT 'wgxk_' || lpad(g::text, 22, '0'), 'acc_many', 'bulk', '{coin:wallets:read}', now() + interval '1 day' FROM generate_series(1, 201) g`,
    );
    expect((await list('?account_id=acc_many')).items).toHaveLength(50);
    const max = await list('?account_id=acc_many&limit=200');
    expect(max.items).toHaveLength(200);
    expect(max.next_cursor).not.toBeNull();
    expect((await list(`?account_id=acc_many&limit=200&cursor=${max.next_cursor ?? ''}`)).items).toHaveLength(1);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=-1', 'limit'],
    ['status=deleted', 'status'],
    ['account_id=has%20space', 'account_id'],
    [`account_id=${'a'.repeat(65)}`, 'account_id'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('k1:wgxk_0000000000000000000000').toString('base64url')}`, 'cursor'],
    [`cursor=${'x'.repeat(300)}`, 'cursor'],
    ['state=active', 'state'],
    ['status=active&status=revoked', 'status'],
  ])('answers ?%s with a 400 problem naming %s', async (query, field) => {
    expectValidationProblem(await api.get(`/admin/keys?${query}`), field);
  });

  it('needs admin:keys:read', async () => {
    const writer = await adminKeyWith(t, ['admin:keys:write']);
    const res = await api.get('/admin/keys', writer.token);
    expectProblem(res, 403);
    expect(res.body.scope).toBe('admin:keys:read');
    expect((await api.get('/admin/keys', 'not-a-token')).status).toBe(401);
  });
});
