/**
 * Probes as an orchestrator sees them: liveness always 200 while the process
 * answers; readiness 200 only with the store, an active signing key and the
 * revocation listener, otherwise 503 naming what failed, and back to 200 by
 * itself once the cause is gone (a lost LISTEN connection, a database outage).
 */
import { sql } from '../support/db-query';
import { request, tokenRequest } from '../support/http';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface Health {
  status: 'ok' | 'error';
  info: Record<string, Record<string, unknown>>;
  error: Record<string, Record<string, unknown>>;
  details: Record<string, Record<string, unknown>>;
}

/** Polls until `done` holds, returning the last value; fails with what was seen after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  if (!done(last)) throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  return last;
}

describe('health probes', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  const ready = () => request<Health>(`${t.baseUrl}/health/ready`);
  const token = () => tokenRequest(t.baseUrl, t.admin.clientId, t.admin.secret);

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    // PostgreSQL behind a TCP proxy the test can cut, as a crashed or failed-over server is.
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestApp({ DATABASE_URL: viaProxy.toString() }, { db });
  });
  afterAll(async () => {
    proxy.restore();
    await t.close();
    await proxy.close();
    await db.drop();
  });

  it('liveness answers 200 without a token, never cached', async () => {
    const res = await request<Health>(`${t.baseUrl}/health/live`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('readiness reports the store, the signing key published in the JWKS and the revocation listener as up', async () => {
    const jwks = await request<{ keys: { kid: string }[] }>(`${t.baseUrl}/.well-known/jwks.json`);
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const up = {
      database: { status: 'up' },
      signing_key: { status: 'up', kid: jwks.body.keys[0]?.kid },
      revocation_listener: { status: 'up' },
    };
    expect(res.body).toEqual({ status: 'ok', info: up, error: {}, details: up });
  });

  it('turns 503 naming the revocation listener when its connection is cut, and is ready again once it reconnects', async () => {
    await sql(db.url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'wagmix-auth-listener' AND datname = current_database()");
    const down = await eventually(ready, (r) => r.status === 503, 3000);
    expect(down.body.status).toBe('error');
    expect(down.body.error).toEqual({ revocation_listener: { status: 'down', message: 'LISTEN connection lost; reconnecting' } });
    expect(Object.keys(down.body.info).sort()).toEqual(['database', 'signing_key']);
    const back = await eventually(ready, (r) => r.status === 200);
    expect(back.body.status).toBe('ok');
  });

  it('during a database outage: readiness 503 names the store, tokens are 503 temporarily_unavailable; both recover by themselves', async () => {
    expect((await token()).status).toBe(200);
    proxy.cut();

    const down = await eventually(ready, (r) => r.status === 503 && 'database' in r.body.error && 'revocation_listener' in r.body.error, 5000);
    expect(down.body.error.database).toEqual({ status: 'down', message: 'PostgreSQL did not answer SELECT 1 (timeout 1500 ms)' });
    expect(down.body.error.revocation_listener).toEqual({ status: 'down', message: 'LISTEN connection lost; reconnecting' });
    // The signing key is held in memory: the instance could sign, but it cannot record the token, so it does not issue one.
    expect(down.body.info.signing_key?.status).toBe('up');
    const refused = await token();
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(refused.headers.get('retry-after')).toBe('1');

    proxy.restore();
    const back = await eventually(ready, (r) => r.status === 200, 15_000);
    expect(back.body.error).toEqual({});
    expect((await token()).status).toBe(200);
  });
});
