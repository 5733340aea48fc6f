/**
 * Brute-force lockout per (client_id, source address) with growing back-off,
 * the per-key request rate, and both shared across instances through Redis.
 */
import { generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { accessToken, basic, createKey, form, FORM, request } from '../support/http';
import { redisAvailable, TEST_REDIS_URL } from '../support/redis-probe';
import { startTestApp, type TestApp } from '../support/test-app';

const token = (t: TestApp, key: { clientId: string; secret: string }, from?: string) =>
  request(`${t.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { ...FORM, authorization: basic(key.clientId, key.secret), ...(from ? { 'x-forwarded-for': from } : {}) },
    body: form({ grant_type: 'client_credentials' }),
  });

// Redis runs on CI machines; without one (a newcomer's laptop) its variant is skipped by name, never under CI.
const redisUp = redisAvailable();
if (!redisUp && process.env.CI === 'true') throw new Error(`CI=true but no Redis answers at ${TEST_REDIS_URL}`);
const stores: [string, Record<string, string>][] = [['in process', {}]];
if (redisUp) stores.push(['in Redis', { REDIS_URL: TEST_REDIS_URL }]);
else it.skip(`throttling in Redis: skipped, no Redis at ${TEST_REDIS_URL}`, () => undefined);

describe.each(stores)('throttling (%s)', (_store, storeEnv: Record<string, string>) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...storeEnv, LOCKOUT_THRESHOLD: '3', LOCKOUT_BASE_SECONDS: '1', TRUSTED_PROXIES: '127.0.0.1', TOKEN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  it('locks out a (client_id, address) pair after repeated failures, with Retry-After, while the key works from elsewhere', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const wrong = { clientId: key.clientId, secret: generateSecret() };
    for (let i = 0; i < 3; i++) expect((await token(t, wrong, '203.0.113.10')).status).toBe(401);
    const locked = await token(t, key, '203.0.113.10'); // even the right secret waits
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ error: 'temporarily_unavailable', error_description: 'Too many failed attempts; retry later' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const ev = (await sql(t.db.url, "SELECT * FROM audit_events WHERE type = 'token.denied' ORDER BY id DESC LIMIT 1"))[0];
    expect(ev).toMatchObject({ reason: 'rate_limited', actor_client_id: key.clientId, actor_ip: '203.0.113.10' });

    expect((await token(t, key, '198.51.100.20')).status).toBe(200); // the owner elsewhere is unaffected
  });

  it('doubles the block with each further failure, and lets the pair through once it ends', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const wrong = { clientId: key.clientId, secret: generateSecret() };
    const from = '203.0.113.11';
    for (let i = 0; i < 3; i++) await token(t, wrong, from);
    expect((await token(t, key, from)).headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await token(t, wrong, from)).status).toBe(401); // the 4th failure: block of 2 s
    const again = await token(t, key, from);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('2');
    await new Promise((r) => setTimeout(r, 2100));
    expect((await token(t, key, from)).status).toBe(200);
  });

  it('does not count refusals that prove no guessing (address outside the allow-list)', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'], allowed_cidrs: ['192.0.2.0/24'] });
    for (let i = 0; i < 5; i++) expect((await token(t, key, '203.0.113.12')).status).toBe(401);
    expect((await token(t, key, '192.0.2.5')).status).toBe(200);
  });

  it('shares the lockout between instances on one store', async () => {
    if (!storeEnv.REDIS_URL) return; // in-process counters are per instance by design
    const b = await t.another();
    try {
      const key = await createKey(t, { scopes: ['coin:wallets:read'] });
      const wrong = { clientId: key.clientId, secret: generateSecret() };
      for (let i = 0; i < 3; i++) await token(t, wrong, '203.0.113.13');
      expect((await token(b, key, '203.0.113.13')).status).toBe(429);
    } finally {
      await b.close();
    }
  });
});

describe('per-key request rate', () => {
  let t: TestApp;
  let adminToken: string;
  beforeAll(async () => {
    t = await startTestApp({ TOKEN_RATE_LIMIT_PER_MINUTE: '3', INTROSPECTION_RATE_LIMIT_PER_MINUTE: '2' });
    adminToken = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
  });
  afterAll(() => t.close());

  it('answers 429 past the key’s token rate, recorded as rate_limited, without touching other keys', async () => {
    const busy = await createKey(t, { scopes: ['coin:wallets:read'] }, adminToken);
    const calm = await createKey(t, { scopes: ['coin:wallets:read'] }, adminToken);
    for (let i = 0; i < 3; i++) expect((await token(t, busy)).status).toBe(200);
    const res = await token(t, busy);
    expect(res.status).toBe(429);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const ev = (await sql(t.db.url, "SELECT * FROM audit_events WHERE type = 'token.denied' ORDER BY id DESC LIMIT 1"))[0];
    expect(ev).toMatchObject({ reason: 'rate_limited', actor_client_id: busy.clientId });
    expect((await token(t, calm)).status).toBe(200);
  });

  it('does not spend a key’s allowance on requests with a wrong secret', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] }, adminToken);
    for (let i = 0; i < 4; i++) expect((await token(t, { clientId: key.clientId, secret: generateSecret() })).status).toBe(401);
    expect((await token(t, key)).status).toBe(200);
  });

  it('limits introspection per key too', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] }, adminToken);
    const introspect = () =>
      request(`${t.baseUrl}/oauth2/introspect`, { method: 'POST', headers: { ...FORM, authorization: basic(key.clientId, key.secret) }, body: form({ token: 'x' }) });
    expect((await introspect()).status).toBe(200);
    expect((await introspect()).status).toBe(200);
    const third = await introspect();
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('temporarily_unavailable');
  });
});

describe('a rate of 0', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TOKEN_RATE_LIMIT_PER_MINUTE: '0', INTROSPECTION_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  it('turns that limit off (nothing counted, no rate headers) and leaves the other one on', async () => {
    const key = { clientId: t.admin.clientId, secret: t.admin.secret };
    for (let i = 0; i < 5; i++) {
      const res = await token(t, key);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit-token')).toBeNull();
    }
    const introspect = () =>
      request(`${t.baseUrl}/oauth2/introspect`, { method: 'POST', headers: { ...FORM, authorization: basic(key.clientId, key.secret) }, body: form({ token: 'x' }) });
    const first = await introspect();
    expect([first.status, first.headers.get('x-ratelimit-limit-introspection'), first.headers.get('x-ratelimit-remaining-introspection')]).toEqual([200, '2', '1']);
    expect((await introspect()).status).toBe(200);
    expect((await introspect()).status).toBe(429);
  });
});
