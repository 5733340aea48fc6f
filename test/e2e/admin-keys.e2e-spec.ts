/**
 * POST /admin/keys and GET /admin/keys/{id} behind the bearer guard: who may
 * call them, what a bad body gets (problem+json, never a 5xx), what is stored
 * (a peppered hash, never the secret) and what is recorded.
 */
import { createHmac, generateKeyPairSync, createSign } from 'node:crypto';
import { KeysService } from '../../src/keys/keys.service';
import { TokenSigner } from '../../src/tokens/token-signer';
import { sql } from '../support/db-query';
import { accessToken, createKey, decodeJwt, request } from '../support/http';
import { startTestApp, TEST_PEPPER, type TestApp } from '../support/test-app';

describe('admin keys API', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
  });
  afterAll(() => t.close());

  const post = (body: unknown, token = adminToken, contentType = 'application/json') =>
    request(`${t.baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const valid = { account_id: 'acc_42', label: 'trading bot', scopes: ['exchange:orders:read'] };

  describe('POST /admin/keys', () => {
    it('creates a key and shows its secret once', async () => {
      const res = await post({ ...valid, allowed_cidrs: ['203.0.113.0/24', '2001:db8::/32'], token_ttl_seconds: 300 });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        account_id: 'acc_42',
        label: 'trading bot',
        scopes: ['exchange:orders:read'],
        allowed_cidrs: ['203.0.113.0/24', '2001:db8::/32'],
        token_ttl_seconds: 300,
        status: 'active',
        last_used_at: null,
      });
      // Every account key expires: KEY_DEFAULT_LIFETIME_DAYS (90) when none is given.
      const lifetime = Date.parse(res.body.expires_at as string) - Date.parse(res.body.created_at as string);
      expect(lifetime).toBe(90 * 86_400_000);
      expect(res.body.client_id).toMatch(/^wgxk_[0-9A-Za-z]{22}$/);
      expect(res.body.client_secret).toMatch(/^wgxs_[0-9A-Za-z]{49}$/);
      expect(res.body.secrets).toEqual([{ id: expect.any(String), created_at: expect.any(String), expires_at: null, last_used_at: null }]);

      const shown = await request(`${t.baseUrl}/admin/keys/${res.body.client_id as string}`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(shown.status).toBe(200);
      expect(shown.body).not.toHaveProperty('client_secret');
      expect(shown.text).not.toContain(res.body.client_secret as string);
      const { client_secret: _omit, ...withoutSecret } = res.body;
      expect(shown.body).toEqual(withoutSecret);
    });

    it('stores only HMAC-SHA-256(pepper, secret), and the secret appears nowhere in the database', async () => {
      const res = await post(valid);
      const secret = res.body.client_secret as string;
      const rows = await sql<{ secret_hash: Buffer }>(t.db.url, 'SELECT secret_hash FROM api_key_secrets WHERE client_id = $1', [res.body.client_id]);
      expect(rows[0]?.secret_hash.equals(createHmac('sha256', TEST_PEPPER).update(secret).digest())).toBe(true);
      const dump = await sql<{ d: string }>(
        t.db.url,
        `SELECT string_agg(t::text, ' ') AS d FROM (
           SELECT row_to_json(k)::text AS t FROM api_keys k UNION ALL
           SELECT row_to_json(s)::text FROM api_key_secrets s UNION ALL
           SELECT row_to_json(a)::text FROM audit_events a) x`,
      );
      expect(dump[0]?.d).not.toContain(secret);
    });

    it('records key.created with the admin who acted, in the same transaction', async () => {
      const res = await post(valid);
      const ev = (await sql(t.db.url, "SELECT * FROM audit_events WHERE type = 'key.created' AND subject_client_id = $1", [res.body.client_id]))[0];
      expect(ev).toMatchObject({
        outcome: 'success',
        actor_client_id: t.admin.clientId,
        actor_ip: '127.0.0.1',
        subject_account_id: 'acc_42',
        request_id: res.headers.get('x-request-id'),
      });
      expect((ev?.data as Record<string, unknown>).scopes).toEqual(['exchange:orders:read']);
    });

    it('lets the new key get a token at once', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read'] });
      expect(decodeJwt(await accessToken(t.baseUrl, k.clientId, k.secret)).payload.account_id).toBe('acc_test');
    });

    it.each([
      ['an admin scope', { ...valid, scopes: ['admin:keys:write'] }, 'scopes.0'],
      ['an unknown scope', { ...valid, scopes: ['exchange:everything'] }, 'scopes.0'],
      ['no scopes', { ...valid, scopes: [] }, 'scopes'],
      ['an unknown field', { ...valid, scope: 'x' }, 'scope'],
      ['a missing account_id', { label: 'x', scopes: ['exchange:orders:read'] }, 'account_id'],
      ['a bad account_id', { ...valid, account_id: 'has space' }, 'account_id'],
      ['an account_id of 65 chars', { ...valid, account_id: 'a'.repeat(65) }, 'account_id'],
      ['an empty label', { ...valid, label: '' }, 'label'],
      ['a label of 201 chars', { ...valid, label: 'x'.repeat(201) }, 'label'],
      ['a malformed CIDR', { ...valid, allowed_cidrs: ['10.0.0.0/33'] }, 'allowed_cidrs.0'],
      ['31 CIDRs', { ...valid, allowed_cidrs: Array.from({ length: 31 }, (_, i) => `10.0.${i}.0/24`) }, 'allowed_cidrs'],
      ['a TTL of 59 s', { ...valid, token_ttl_seconds: 59 }, 'token_ttl_seconds'],
      ['a TTL of 3601 s', { ...valid, token_ttl_seconds: 3601 }, 'token_ttl_seconds'],
      ['a TTL as a string', { ...valid, token_ttl_seconds: '300' }, 'token_ttl_seconds'],
      ['an expiry in the past', { ...valid, expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      ['an expiry that is not RFC 3339', { ...valid, expires_at: 'tomorrow' }, 'expires_at'],
      ['scopes as a string', { ...valid, scopes: 'exchange:orders:read' }, 'scopes'],
    ])('answers %s with a 400 problem naming the field', async (_name, body, field) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'urn:wagmix:problem:validation', title: 'Bad Request', status: 400, request_id: expect.any(String) });
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    });

    it.each([
      ['malformed JSON', '{"account_id":', 'application/json'],
      ['a JSON array', '[1,2]', 'application/json'],
      ['a JSON string', '"x"', 'application/json'],
      ['a form body', 'account_id=x', 'application/x-www-form-urlencoded'],
      ['an unknown content type', '<key/>', 'application/xml'],
    ])('answers %s with a 4xx problem', async (_name, body, type) => {
      const res = await post(body, adminToken, type);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  describe('GET /admin/keys/{client_id}', () => {
    it('answers 404 problem for an unknown or malformed id', async () => {
      for (const id of ['wgxk_0000000000000000000000', 'not-a-key']) {
        const res = await request(`${t.baseUrl}/admin/keys/${id}`, { headers: { authorization: `Bearer ${adminToken}` } });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
      }
    });
  });

  describe('bearer guard (RFC 6750)', () => {
    const get = (authorization?: string) =>
      request(`${t.baseUrl}/admin/keys/${t.admin.clientId}`, { headers: authorization ? { authorization } : {} });
    const signer = () => t.app.get(TokenSigner);
    const claims = (over: Record<string, unknown> = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return {
        iss: t.baseUrl,
        sub: t.admin.clientId,
        client_id: t.admin.clientId,
        aud: 'urn:wagmix:admin',
        scope: 'admin:keys:read',
        jti: 'j1',
        iat: now,
        nbf: now,
        exp: now + 60,
        ...over,
      };
    };
    const expectInvalidToken = (res: Awaited<ReturnType<typeof get>>) => {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="wagmix-auth", error="invalid_token", error_description="[^"]+"$/);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    };

    it('answers no token with a bare challenge and no error code (§3.1)', async () => {
      const res = await get();
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-auth"');
    });

    it('accepts a valid admin token', async () => {
      expect((await get(`Bearer ${adminToken}`)).status).toBe(200);
    });

    it('refuses a tampered signature', async () => {
      const [h, p, s] = adminToken.split('.') as [string, string, string];
      const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
      expectInvalidToken(await get(`Bearer ${h}.${p}.${flipped}`));
    });

    it('refuses a tampered payload', async () => {
      const [h, , s] = adminToken.split('.') as [string, string, string];
      const p = Buffer.from(JSON.stringify({ ...decodeJwt(adminToken).payload, scope: 'admin:keys:write' })).toString('base64url');
      expectInvalidToken(await get(`Bearer ${h}.${p}.${s}`));
    });

    it('refuses alg "none"', async () => {
      const { header, payload } = decodeJwt(adminToken);
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      expectInvalidToken(await get(`Bearer ${b64({ ...header, alg: 'none' })}.${b64(payload)}.`));
      expectInvalidToken(await get(`Bearer ${b64({ ...header, alg: 'none' })}.${b64(payload)}.x`));
    });

    it('refuses HS256 signed with the public key as the secret', async () => {
      const jwks = (await request<{ keys: { kid: string; x: string }[] }>(`${t.baseUrl}/.well-known/jwks.json`)).body;
      const { header, payload } = decodeJwt(adminToken);
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`;
      const sig = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(input).digest('base64url');
      expectInvalidToken(await get(`Bearer ${input}.${sig}`));
    });

    it('refuses a token signed by a foreign key that reuses our kid', async () => {
      const { header, payload } = decodeJwt(adminToken);
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${b64(header)}.${b64(payload)}`;
      const sig = createSign('sha256').update(input).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
      expectInvalidToken(await get(`Bearer ${input}.${sig}`));
    });

    it('refuses an unknown kid, a wrong typ, an expired, a not-yet-valid, a foreign-issuer and a wrong-audience token', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const { header, payload } = decodeJwt(adminToken);
      const sig = adminToken.split('.')[2] as string;
      expectInvalidToken(await get(`Bearer ${b64({ ...header, kid: 'nope' })}.${b64(payload)}.${sig}`));
      const now = Math.floor(Date.now() / 1000);
      expectInvalidToken(await get(`Bearer ${signer().sign(claims({ iat: now - 120, nbf: now - 120, exp: now - 60 }))}`));
      expectInvalidToken(await get(`Bearer ${signer().sign(claims({ nbf: now + 120, exp: now + 180 }))}`));
      expectInvalidToken(await get(`Bearer ${signer().sign(claims({ iss: 'https://other.example' }))}`));
      expectInvalidToken(await get(`Bearer ${signer().sign(claims({ aud: 'urn:wagmix:exchange' }))}`));
      const k = await createKey(t, { scopes: ['exchange:account:read'] });
      expectInvalidToken(await get(`Bearer ${await accessToken(t.baseUrl, k.clientId, k.secret)}`));
    });

    it('tolerates the configured clock skew', async () => {
      const now = Math.floor(Date.now() / 1000);
      expect((await get(`Bearer ${signer().sign(claims({ exp: now - 2 }))}`)).status).toBe(200);
    });

    it('answers a token without the scope with 403 insufficient_scope naming it', async () => {
      const { key, clientSecret } = await t.app
        .get(KeysService)
        .create({ accountId: null, label: 'audit reader', scopes: ['admin:audit:read'] }, { clientId: null });
      const token = await accessToken(t.baseUrl, key.client_id, clientSecret);
      const res = await get(`Bearer ${token}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-auth", error="insufficient_scope", scope="admin:keys:read"');
      expect(res.body).toMatchObject({ status: 403, scope: 'admin:keys:read' });
      const write = await post(valid, token);
      expect(write.status).toBe(403);
      expect(write.body.scope).toBe('admin:keys:write');
    });

    it.each(['Bearer', 'Bearer a b', 'Basic abc', 'Bearer \u00e9'.normalize()])('answers the malformed header %j with a 4xx', async (h) => {
      let res;
      try {
        res = await get(h);
      } catch {
        return; // fetch itself refuses some headers: nothing reached the server
      }
      expect([400, 401]).toContain(res.status);
    });
  });
});
