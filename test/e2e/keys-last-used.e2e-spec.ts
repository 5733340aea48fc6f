/**
 * Last used, as an admin reads it: time and source address per key and per
 * secret, kept without a database write per token. The row's xmin (the
 * transaction that last wrote it) shows exactly when the row was written.
 */
import { Clock } from '../../src/common/clock';
import { LastUsedTracker } from '../../src/keys/last-used.tracker';
import { sql } from '../support/db-query';
import { form, FORM, request } from '../support/http';
import { adminApi, type AdminApi } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

type Row = { xmin: string; last_used_at: Date | null; last_used_ip: string | null };

describe('last used', () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' });
    api = await adminApi(t);
  });
  afterAll(() => t.close());

  const tracker = () => t.app.get(LastUsedTracker);
  const keyRow = async (clientId: string) =>
    (await sql<Row>(t.db.url, 'SELECT xmin::text, last_used_at, last_used_ip FROM api_keys WHERE client_id = $1', [clientId]))[0];
  const secretRows = async (clientId: string) =>
    sql<Row & { id: string }>(t.db.url, 'SELECT id, xmin::text, last_used_at, last_used_ip FROM api_key_secrets WHERE client_id = $1 ORDER BY created_at', [clientId]);
  // client_secret_post, with the source address set through the trusted proxy.
  const token = (app: TestApp, k: { clientId: string; secret: string }, ip: string) =>
    request(`${app.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, 'x-forwarded-for': ip },
      body: form({ grant_type: 'client_credentials', client_id: k.clientId, client_secret: k.secret }),
    });

  it('writes nothing per token, then one batched write for two token requests', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    await tracker().flush(); // the admin key's own use, so that the count below is this key's alone
    const before = await keyRow(k.clientId);
    expect((await token(t, k, '198.51.100.1')).status).toBe(200);
    expect((await token(t, k, '198.51.100.2')).status).toBe(200);
    expect(await keyRow(k.clientId)).toEqual(before); // not a single write yet

    expect(await tracker().flush()).toBe(1);
    const after = await keyRow(k.clientId);
    expect(after?.xmin).not.toBe(before?.xmin);
    expect(after?.last_used_ip).toBe('198.51.100.2');
    expect(Date.now() - (after?.last_used_at?.getTime() ?? 0)).toBeLessThan(10_000);
    const [secret] = await secretRows(k.clientId);
    expect(secret).toMatchObject({ last_used_ip: '198.51.100.2', last_used_at: after?.last_used_at });

    const view = (await api.get(`/admin/keys/${k.clientId}`)).body as { last_used_at: string; secrets: { last_used_at: string }[] };
    expect(view.last_used_at).toBe(after?.last_used_at?.toISOString());
    expect(view.secrets[0]?.last_used_at).toBe(after?.last_used_at?.toISOString());
  });

  it('writes a key at most once a minute: uses within the minute cost no write', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    await token(t, k, '198.51.100.1');
    await tracker().flush();
    const written = await keyRow(k.clientId);
    for (let i = 0; i < 5; i++) expect((await token(t, k, '198.51.100.3')).status).toBe(200);
    expect(await tracker().flush()).toBe(0);
    expect(await keyRow(k.clientId)).toEqual(written);
  });

  it('writes again once the stored time is a minute old', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    await token(t, k, '198.51.100.1');
    await tracker().flush();
    const first = await keyRow(k.clientId);
    const later = new Date(Date.now() + 61_000);
    const spy = jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => later);
    try {
      await token(t, k, '198.51.100.4');
      expect(await tracker().flush()).toBe(1);
    } finally {
      spy.mockRestore();
    }
    const second = await keyRow(k.clientId);
    expect(second?.xmin).not.toBe(first?.xmin);
    expect(second).toMatchObject({ last_used_ip: '198.51.100.4', last_used_at: later });
  });

  it('tracks each secret of a key during a rotation overlap', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    const rotated = await api.send('POST', `/admin/keys/${k.clientId}/rotate`, { grace_seconds: 600 });
    await token(t, k, '198.51.100.5');
    await token(t, { clientId: k.clientId, secret: rotated.body.client_secret as string }, '198.51.100.6');
    await tracker().flush();
    const [oldSecret, newSecret] = await secretRows(k.clientId);
    expect(oldSecret?.last_used_ip).toBe('198.51.100.5');
    expect(newSecret?.last_used_ip).toBe('198.51.100.6');
    expect((await keyRow(k.clientId))?.last_used_ip).toBe('198.51.100.6');
  });

  it('never moves a time backwards when another instance wrote a later one', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    await token(t, k, '198.51.100.1');
    const future = new Date(Date.now() + 3_600_000);
    await sql(t.db.url, "UPDATE api_keys SET last_used_at = $2, last_used_ip = '203.0.113.1' WHERE client_id = $1", [k.clientId, future]);
    await tracker().flush();
    expect(await keyRow(k.clientId)).toMatchObject({ last_used_at: future, last_used_ip: '203.0.113.1' });
  });

  it('flushes on shutdown', async () => {
    const other = await t.another();
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    expect((await token(other, k, '198.51.100.9')).status).toBe(200);
    await other.close();
    expect((await keyRow(k.clientId))?.last_used_ip).toBe('198.51.100.9');
  });
});
