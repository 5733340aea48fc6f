/**
 * Expiry as an account owner and an operator meet it: every account key
 * gets one (default 90 days, at most 365), from that instant the key gets
 * invalid_client and reads `expired`, and `key.expired` is recorded exactly
 * once, whether a token request or the sweep (on any instance) notices first.
 */
import { Clock } from '../../src/common/clock';
import { KeyExpiryService } from '../../src/keys/key-expiry.service';
import { sql } from '../support/db-query';
import { form, FORM, request } from '../support/http';
import { adminApi, type AdminApi, events, expectValidationProblem, lastDenial } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

const DAY = 86_400_000;

describe('API key expiry', () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => {
    t = await startTestApp({ LOCKOUT_THRESHOLD: '1000' });
    api = await adminApi(t);
  });
  afterAll(() => t.close());

  const fresh = (body: Record<string, unknown> = {}) => api.create({ scopes: ['coin:wallets:read'], ...body });
  const expireNow = (clientId: string) => sql(t.db.url, "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE client_id = $1", [clientId]);
  // client_secret_post: passport's client-basic strategy is one per process (see keys-allowlist), and one test runs a second instance.
  const token = (app: TestApp, k: { clientId: string; secret: string }) =>
    request(`${app.baseUrl}/oauth2/token`, { method: 'POST', headers: FORM, body: form({ grant_type: 'client_credentials', client_id: k.clientId, client_secret: k.secret }) });

  it('gives an account key the default lifetime, and accepts any expiry up to the maximum', async () => {
    const k = await fresh();
    expect(Date.parse(k.body.expires_at as string) - Date.parse(k.body.created_at as string)).toBe(90 * DAY);
    const chosen = new Date(Date.now() + 365 * DAY - 60_000).toISOString();
    expect((await fresh({ expires_at: chosen })).body.expires_at).toBe(chosen);
  });

  it('refuses an expiry beyond KEY_MAX_LIFETIME_DAYS or in the past', async () => {
    const res = await api.send('POST', '/admin/keys', { account_id: 'acc_x', label: 'x', scopes: ['coin:wallets:read'], expires_at: new Date(Date.now() + 366 * DAY).toISOString() });
    expectValidationProblem(res, 'expires_at');
    expect(res.body.detail).toMatch(/at most 365 days/);
    expectValidationProblem(
      await api.send('POST', '/admin/keys', { account_id: 'acc_x', label: 'x', scopes: ['coin:wallets:read'], expires_at: new Date(Date.now() - 1000).toISOString() }),
      'expires_at',
    );
  });

  it('follows KEY_DEFAULT_LIFETIME_DAYS and KEY_MAX_LIFETIME_DAYS', async () => {
    const short = await t.another({ KEY_DEFAULT_LIFETIME_DAYS: '7', KEY_MAX_LIFETIME_DAYS: '30' });
    try {
      const shortApi = await adminApi(short);
      const k = await shortApi.create({ scopes: ['coin:wallets:read'] });
      expect(Date.parse(k.body.expires_at as string) - Date.parse(k.body.created_at as string)).toBe(7 * DAY);
      expectValidationProblem(
        await shortApi.send('POST', '/admin/keys', { account_id: 'a', label: 'x', scopes: ['coin:wallets:read'], expires_at: new Date(Date.now() + 31 * DAY).toISOString() }),
        'expires_at',
      );
    } finally {
      await short.close();
    }
  });

  it('leaves the bootstrap admin key without an expiry', async () => {
    expect((await api.get(`/admin/keys/${t.admin.clientId}`)).body).toMatchObject({ expires_at: null, status: 'active' });
  });

  it('from the expiry instant: invalid_client (key_expired), status expired, key.expired once', async () => {
    const k = await fresh();
    expect((await token(t, k)).status).toBe(200);
    await expireNow(k.clientId);
    for (let i = 0; i < 3; i++) {
      const res = await token(t, k);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    expect(await lastDenial(t, k.clientId)).toBe('key_expired');
    expect((await api.get(`/admin/keys/${k.clientId}`)).body.status).toBe('expired');
    expect(await t.app.get(KeyExpiryService).sweep()).toBe(0);
    const recorded = await events(t, 'key.expired', k.clientId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ outcome: 'success', actor_client_id: null, reason: 'expired', subject_account_id: 'acc_test' });
    const row = await sql<{ expired_event_at: Date | null }>(t.db.url, 'SELECT expired_event_at FROM api_keys WHERE client_id = $1', [k.clientId]);
    expect(row[0]?.expired_event_at).toBeInstanceOf(Date);
  });

  it('records key.expired from the sweep for a key nobody uses, once', async () => {
    const [a, b] = await Promise.all([fresh(), fresh()]);
    await expireNow(a?.clientId as string);
    await expireNow(b?.clientId as string);
    expect(await t.app.get(KeyExpiryService).sweep()).toBe(2);
    expect(await t.app.get(KeyExpiryService).sweep()).toBe(0);
    expect(await events(t, 'key.expired', a?.clientId as string)).toHaveLength(1);
    expect((await events(t, 'key.expired', a?.clientId as string))[0]?.data).toMatchObject({ expires_at: expect.any(String) });
  });

  it('records key.expired once with two instances sweeping and token requests racing', async () => {
    const second = await t.another();
    try {
      const keys = await Promise.all(Array.from({ length: 6 }, () => fresh()));
      for (const k of keys) await expireNow(k.clientId);
      await Promise.all([
        t.app.get(KeyExpiryService).sweep(),
        second.app.get(KeyExpiryService).sweep(),
        ...keys.flatMap((k) => [token(t, k), token(second, k)]),
        t.app.get(KeyExpiryService).sweep(),
      ]);
      for (const k of keys) expect(await events(t, 'key.expired', k.clientId)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('does not record key.expired for a revoked key', async () => {
    const k = await fresh();
    await api.send('POST', `/admin/keys/${k.clientId}/revoke`, {});
    await expireNow(k.clientId);
    await t.app.get(KeyExpiryService).sweep();
    expect(await events(t, 'key.expired', k.clientId)).toEqual([]);
    expect((await api.get(`/admin/keys/${k.clientId}`)).body.status).toBe('revoked');
  });

  it('expires by the service clock: moved past expires_at, the key is refused and reads expired', async () => {
    const k = await fresh({ expires_at: new Date(Date.now() + 2 * DAY).toISOString() });
    const clock = t.app.get(Clock);
    const later = new Date(Date.now() + 3 * DAY);
    const spy = jest.spyOn(clock, 'now').mockImplementation(() => later);
    try {
      expect((await token(t, k)).status).toBe(401);
      expect(await lastDenial(t, k.clientId)).toBe('key_expired');
      expect((await api.get(`/admin/keys/${k.clientId}`)).body.status).toBe('expired');
      expect(await events(t, 'key.expired', k.clientId)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});
