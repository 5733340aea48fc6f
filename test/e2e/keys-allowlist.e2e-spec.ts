/**
 * IP allow-lists as a trading client meets them: a token from inside, the
 * same invalid_client as any failure from outside (ip_not_allowed in the
 * audit log only), IPv6, X-Forwarded-For believed only from TRUSTED_PROXIES,
 * the `wgx_cidrs` claim for resource servers, the policy binding money-moving
 * keys to an allow-list, and the shorter lifetime of write tokens.
 */
import { sql } from '../support/db-query';
import { decodeJwt, form, FORM, request } from '../support/http';
import { adminApi, type AdminApi, expectValidationProblem, lastDenial } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

describe('IP allow-lists', () => {
  let direct: TestApp; // no trusted proxy: the socket peer (127.0.0.1) is the source
  let proxied: TestApp; // same store, behind a trusted proxy on 127.0.0.1
  let api: AdminApi;

  beforeAll(async () => {
    direct = await startTestApp({ LOCKOUT_THRESHOLD: '1000' });
    proxied = await direct.another({ TRUSTED_PROXIES: '127.0.0.1' });
    api = await adminApi(direct);
  });
  afterAll(async () => {
    await proxied.close();
    await direct.close();
  });

  // client_secret_post: passport keeps one client-basic strategy per process (the last app started),
  // so with two instances in this process only the body method is sure to reach the instance asked.
  const token = (t: TestApp, k: { clientId: string; secret: string }, forwardedFor?: string, params: Record<string, string> = {}) =>
    request(`${t.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: form({ grant_type: 'client_credentials', client_id: k.clientId, client_secret: k.secret, ...params }),
    });
  const lastIssuedIp = async (clientId: string) =>
    (await sql<{ actor_ip: string }>(direct.db.url, "SELECT actor_ip FROM audit_events WHERE type = 'token.issued' AND actor_client_id = $1 ORDER BY id DESC LIMIT 1", [clientId]))[0]
      ?.actor_ip;

  it('issues inside the list and puts the list in the token as wgx_cidrs', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'], allowed_cidrs: ['127.0.0.1/32', '2001:db8::/32'] });
    const res = await token(direct, k);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).payload.wgx_cidrs).toEqual(['127.0.0.1/32', '2001:db8::/32']);
  });

  it('puts no wgx_cidrs claim in a token of a key without a list', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'] });
    expect(decodeJwt((await token(direct, k)).body.access_token as string).payload).not.toHaveProperty('wgx_cidrs');
  });

  it('refuses outside the list with the ordinary invalid_client, ip_not_allowed in the audit log', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'], allowed_cidrs: ['192.0.2.0/24'] });
    const res = await token(direct, k);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    expect(await lastDenial(direct, k.clientId)).toBe('ip_not_allowed');
  });

  it('accepts a single address as well as a CIDR', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'], allowed_cidrs: ['127.0.0.1'] });
    expect((await token(direct, k)).status).toBe(200);
  });

  it('believes X-Forwarded-For from a trusted proxy: inside is issued, outside refused', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'], allowed_cidrs: ['198.51.100.0/24'] });
    expect((await token(proxied, k, '198.51.100.7')).status).toBe(200);
    expect(await lastIssuedIp(k.clientId)).toBe('198.51.100.7');
    expect((await token(proxied, k, '203.0.113.9')).status).toBe(401);
    expect(await lastDenial(direct, k.clientId)).toBe('ip_not_allowed');
    // The entry added by the nearest proxy counts, not one the client wrote itself.
    expect((await token(proxied, k, '198.51.100.7, 203.0.113.9')).status).toBe(401);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'], allowed_cidrs: ['198.51.100.0/24'] });
    expect((await token(direct, k, '198.51.100.7')).status).toBe(401);
    expect(await lastDenial(direct, k.clientId)).toBe('ip_not_allowed');
    const row = await sql(direct.db.url, "SELECT actor_ip FROM audit_events WHERE type = 'token.denied' AND actor_client_id = $1", [k.clientId]);
    expect(row).toEqual([{ actor_ip: '127.0.0.1' }]);
  });

  it('matches IPv6 sources against IPv6 ranges, and IPv4-mapped addresses as IPv4', async () => {
    const k = await api.create({ scopes: ['coin:wallets:read'], allowed_cidrs: ['2001:db8:abcd::/48', '198.51.100.0/24'] });
    expect((await token(proxied, k, '2001:db8:abcd:12::5')).status).toBe(200);
    expect(await lastIssuedIp(k.clientId)).toBe('2001:db8:abcd:12::5');
    expect((await token(proxied, k, '2001:db8:abce::5')).status).toBe(401);
    expect((await token(proxied, k, '::ffff:198.51.100.9')).status).toBe(200);
    expect(await lastIssuedIp(k.clientId)).toBe('198.51.100.9');
  });

  describe('policy: money-moving scopes need an allow-list', () => {
    it.each(['exchange:orders:write', 'coin:transfers:write', 'coin:withdrawals:write'])('refuses %s without one, naming allowed_cidrs', async (scope) => {
      const res = await api.send('POST', '/admin/keys', { account_id: 'acc_p', label: 'x', scopes: ['coin:wallets:read', scope] });
      expectValidationProblem(res, 'allowed_cidrs');
      expect(res.body.detail).toContain(scope);
      const ok = await api.send('POST', '/admin/keys', { account_id: 'acc_p', label: 'x', scopes: [scope], allowed_cidrs: ['127.0.0.1'] });
      expect(ok.status).toBe(201);
    });

    it('does not require one for other write scopes (coin:deposits:write) or read scopes', async () => {
      expect((await api.send('POST', '/admin/keys', { account_id: 'acc_p', label: 'x', scopes: ['coin:deposits:write', 'exchange:orders:cancel'] })).status).toBe(201);
    });

    it('is off with REQUIRE_ALLOWLIST_FOR_WRITE_SCOPES=false', async () => {
      const relaxed = await direct.another({ REQUIRE_ALLOWLIST_FOR_WRITE_SCOPES: 'false' });
      try {
        const relaxedApi = await adminApi(relaxed);
        expect((await relaxedApi.send('POST', '/admin/keys', { account_id: 'acc_p', label: 'x', scopes: ['coin:withdrawals:write'] })).status).toBe(201);
      } finally {
        await relaxed.close();
      }
    });
  });

  describe('token lifetimes', () => {
    it('caps a token carrying a write scope at 300 s, and not a read-only token of the same key', async () => {
      const k = await api.create({ scopes: ['exchange:orders:read', 'exchange:orders:write'], allowed_cidrs: ['127.0.0.1'], token_ttl_seconds: 900 });
      const write = await token(direct, k);
      expect(write.body.expires_in).toBe(300);
      const { payload } = decodeJwt(write.body.access_token as string);
      expect((payload.exp as number) - (payload.iat as number)).toBe(300);
      expect((await token(direct, k, undefined, { scope: 'exchange:orders:read' })).body.expires_in).toBe(900);
    });

    it('keeps a per-key lifetime below the cap as it is', async () => {
      const k = await api.create({ scopes: ['coin:withdrawals:write'], allowed_cidrs: ['127.0.0.1'], token_ttl_seconds: 120 });
      expect((await token(direct, k)).body.expires_in).toBe(120);
    });

    it('follows TOKEN_TTL_WRITE_MAX_SECONDS, and caps admin write scopes too', async () => {
      const strict = await direct.another({ TOKEN_TTL_WRITE_MAX_SECONDS: '90' });
      try {
        const k = await api.create({ scopes: ['coin:deposits:write'], token_ttl_seconds: 900 });
        expect((await token(strict, k)).body.expires_in).toBe(90);
        expect((await token(strict, direct.admin)).body.expires_in).toBe(90);
        expect((await token(strict, direct.admin, undefined, { scope: 'admin:keys:read' })).body.expires_in).toBe(900);
      } finally {
        await strict.close();
      }
    });
  });
});
