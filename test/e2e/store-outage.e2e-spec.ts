/**
 * PostgreSQL goes away behind a TCP proxy: the token endpoint answers 503
 * temporarily_unavailable within 2 s, readiness turns red, nothing is half
 * written, and service resumes by itself when the store returns.
 */
import { createKey, accessToken, request, tokenRequest } from '../support/http';
import { sql } from '../support/db-query';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('store outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestApp({ DATABASE_URL: viaProxy.toString() }, { db });
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await db.drop();
  });

  it('answers 503 within 2 s while the store is down, and resumes by itself', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const adminToken = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
    const before = await sql<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM audit_events');

    proxy.cut();
    const started = Date.now();
    const down = await tokenRequest(t.baseUrl, key.clientId, key.secret);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(down.headers.get('retry-after')).toBe('1');
    expect((await request(`${t.baseUrl}/health/ready`)).status).toBe(503);
    expect((await request(`${t.baseUrl}/health/live`)).status).toBe(200);
    const create = await request(`${t.baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: 'acc_outage', label: 'during outage', scopes: ['coin:wallets:read'] }),
    });
    expect(create.status).toBe(503);
    expect(create.headers.get('content-type')).toMatch(/problem\+json/);

    proxy.restore();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await tokenRequest(t.baseUrl, key.clientId, key.secret)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const readyDeadline = Date.now() + 10_000;
    while (Date.now() < readyDeadline && (await request(`${t.baseUrl}/health/ready`)).status !== 200) await new Promise((r) => setTimeout(r, 100));
    expect((await request(`${t.baseUrl}/health/ready`)).status).toBe(200);

    // Nothing half-written: no key from the failed creation, and every event after the outage chains on.
    expect(await sql(db.url, "SELECT client_id FROM api_keys WHERE account_id = 'acc_outage'")).toEqual([]);
    const after = await sql<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM audit_events');
    expect(after[0]!.n).toBeGreaterThan(before[0]!.n);
    const verify = await request(`${t.baseUrl}/admin/audit-events/verify`, { headers: { authorization: `Bearer ${await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret)}` } });
    expect(verify.body).toMatchObject({ ok: true });
  });
});
