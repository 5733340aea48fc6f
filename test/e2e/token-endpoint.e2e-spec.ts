/**
 * POST /oauth2/token as API clients meet it: RFC 6749 §4.4 success, every
 * §5.2 error with its status, the contract's indistinguishable invalid_client,
 * and the audit event each outcome leaves.
 */
import { generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { basic, createKey, decodeJwt, form, FORM, request, tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('POST /oauth2/token', () => {
  let t: TestApp;
  let key: { clientId: string; secret: string };

  beforeAll(async () => {
    // These tests fail authentication on purpose many times; the lockout has its own tests (throttling.e2e-spec.ts).
    t = await startTestApp({ LOCKOUT_THRESHOLD: '1000' });
    key = await createKey(t, { scopes: ['exchange:account:read', 'exchange:orders:read', 'coin:wallets:read'] });
  });
  afterAll(() => t.close());

  const lastEvent = async (type: string) =>
    (await sql<Record<string, unknown>>(t.db.url, 'SELECT * FROM audit_events WHERE type = $1 ORDER BY id DESC LIMIT 1', [type]))[0];

  describe('success', () => {
    it('issues an RFC 9068 JWT with client_secret_basic, with no-store headers and no refresh token', async () => {
      const res = await tokenRequest(t.baseUrl, key.clientId, key.secret);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'exchange:account:read exchange:orders:read coin:wallets:read' });
      const { header, payload } = decodeJwt(res.body.access_token as string);
      expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
      expect(typeof header.kid).toBe('string');
      expect(payload).toMatchObject({
        iss: t.baseUrl,
        sub: key.clientId,
        client_id: key.clientId,
        aud: ['urn:wagmix:coin', 'urn:wagmix:exchange'],
        scope: 'exchange:account:read exchange:orders:read coin:wallets:read',
        account_id: 'acc_test',
      });
      expect(payload.exp).toBe((payload.iat as number) + 900);
      expect(payload.nbf).toBe(payload.iat);
      expect(payload.jti).toMatch(/^[\w-]{22}$/);
    });

    it('issues with client_secret_post', async () => {
      const res = await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: FORM,
        body: form({ grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.secret, scope: 'coin:wallets:read' }),
      });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('coin:wallets:read');
      expect(decodeJwt(res.body.access_token as string).payload.aud).toBe('urn:wagmix:coin');
    });

    it('commits a token.issued event naming the client, the jti and the source address, never the token', async () => {
      const res = await tokenRequest(t.baseUrl, key.clientId, key.secret);
      const jti = decodeJwt(res.body.access_token as string).payload.jti;
      const ev = await lastEvent('token.issued');
      expect(ev).toMatchObject({
        outcome: 'success',
        actor_client_id: key.clientId,
        actor_ip: '127.0.0.1',
        subject_client_id: key.clientId,
        subject_account_id: 'acc_test',
        subject_jti: jti,
        request_id: res.headers.get('x-request-id'),
      });
      expect(JSON.stringify(ev)).not.toContain(res.body.access_token as string);
      expect(JSON.stringify(ev)).not.toContain(key.secret);
    });

    it('narrows scopes and audience to an RFC 8707 resource', async () => {
      const res = await tokenRequest(t.baseUrl, key.clientId, key.secret, { grant_type: 'client_credentials', resource: 'urn:wagmix:exchange' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('exchange:account:read exchange:orders:read');
      expect(decodeJwt(res.body.access_token as string).payload.aud).toBe('urn:wagmix:exchange');
    });

    it('honours a per-key token lifetime', async () => {
      const short = await createKey(t, { scopes: ['coin:wallets:read'], token_ttl_seconds: 120 });
      const res = await tokenRequest(t.baseUrl, short.clientId, short.secret);
      expect(res.body.expires_in).toBe(120);
      const { payload } = decodeJwt(res.body.access_token as string);
      expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    });

    it('accepts form-url-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
      // encodeURIComponent leaves base62 unchanged; encode every character to prove the server decodes.
      const enc = (s: string) => [...s].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
      const res = await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { ...FORM, authorization: `Basic ${Buffer.from(`${enc(key.clientId)}:${enc(key.secret)}`).toString('base64')}` },
        body: form({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(200);
    });
  });

  describe('invalid_client', () => {
    const invalidClientBody = { error: 'invalid_client', error_description: 'Client authentication failed' };

    async function expectInvalidClient(res: Awaited<ReturnType<typeof request>>, basicUsed = true) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(invalidClientBody);
      expect(res.headers.get('cache-control')).toBe('no-store');
      if (basicUsed) expect(res.headers.get('www-authenticate')).toBe('Basic realm="wagmix-auth", charset="UTF-8"');
    }

    it('answers unknown client and wrong secret identically, recording the true reason', async () => {
      const unknown = await tokenRequest(t.baseUrl, 'wgxk_0000000000000000000000', generateSecret());
      await expectInvalidClient(unknown);
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'unknown_client', outcome: 'failure', actor_client_id: 'wgxk_0000000000000000000000' });

      const wrong = await tokenRequest(t.baseUrl, key.clientId, generateSecret());
      await expectInvalidClient(wrong);
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'bad_secret', actor_client_id: key.clientId });
      expect(wrong.text).toBe(unknown.text);
    });

    it('refuses a wgxs_ secret with a bad checksum as bad_secret', async () => {
      const typo = key.secret.slice(0, -1) + (key.secret.endsWith('A') ? 'B' : 'A');
      await expectInvalidClient(await tokenRequest(t.baseUrl, key.clientId, typo));
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'bad_secret' });
    });

    it('refuses a key disabled directly in the database as key_revoked', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read'] });
      await sql(t.db.url, 'UPDATE api_keys SET revoked_at = now() WHERE client_id = $1', [k.clientId]);
      await expectInvalidClient(await tokenRequest(t.baseUrl, k.clientId, k.secret));
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'key_revoked', actor_client_id: k.clientId });
    });

    it('refuses a key disabled in the database right after it was used (the key cache follows every change)', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read'] });
      expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(200); // now cached
      await sql(t.db.url, 'UPDATE api_keys SET revoked_at = now() WHERE client_id = $1', [k.clientId]);
      await new Promise((r) => setTimeout(r, 50)); // the notification travels after the commit
      await expectInvalidClient(await tokenRequest(t.baseUrl, k.clientId, k.secret));
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'key_revoked', actor_client_id: k.clientId });
    });

    it('serves a narrowed scope list at once after the key is changed in the database', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read', 'exchange:account:read'] });
      expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).body.scope).toBe('coin:wallets:read exchange:account:read');
      await sql(t.db.url, "UPDATE api_keys SET scopes = '{coin:wallets:read}' WHERE client_id = $1", [k.clientId]);
      await new Promise((r) => setTimeout(r, 50));
      expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).body.scope).toBe('coin:wallets:read');
    });

    it('refuses an expired key as key_expired', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read'] });
      await sql(t.db.url, "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE client_id = $1", [k.clientId]);
      await expectInvalidClient(await tokenRequest(t.baseUrl, k.clientId, k.secret));
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'key_expired' });
    });

    it('refuses a source address outside the key allow-list as ip_not_allowed', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read'], allowed_cidrs: ['192.0.2.0/24'] });
      await expectInvalidClient(await tokenRequest(t.baseUrl, k.clientId, k.secret));
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'ip_not_allowed', actor_ip: '127.0.0.1' });
      const inside = await createKey(t, { scopes: ['coin:wallets:read'], allowed_cidrs: ['127.0.0.0/8', '::1/128'] });
      expect((await tokenRequest(t.baseUrl, inside.clientId, inside.secret)).status).toBe(200);
    });

    it('decides the reason in contract order: a wrong secret on a revoked key is bad_secret', async () => {
      const k = await createKey(t, { scopes: ['coin:wallets:read'] });
      await sql(t.db.url, 'UPDATE api_keys SET revoked_at = now() WHERE client_id = $1', [k.clientId]);
      await tokenRequest(t.baseUrl, k.clientId, generateSecret());
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'bad_secret' });
    });

    it('answers a request with no client authentication with invalid_client and a Basic challenge', async () => {
      const res = await request(`${t.baseUrl}/oauth2/token`, { method: 'POST', headers: FORM, body: form({ grant_type: 'client_credentials' }) });
      await expectInvalidClient(res);
    });

    it('answers client_id without a secret (a public client) with invalid_client', async () => {
      const res = await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: FORM,
        body: form({ grant_type: 'client_credentials', client_id: key.clientId }),
      });
      await expectInvalidClient(res, false);
    });

    it('keeps unknown-client and wrong-secret answers close in time', async () => {
      const time = async (clientId: string) => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < 30; i++) await tokenRequest(t.baseUrl, clientId, generateSecret());
        return Number(process.hrtime.bigint() - start) / 30e6;
      };
      await time(key.clientId); // warm up
      const known = await time(key.clientId);
      const unknown = await time('wgxk_1111111111111111111111');
      // Both paths do one lookup, one HMAC and one constant-time comparison; allow generous jitter.
      expect(Math.abs(known - unknown)).toBeLessThan(Math.max(known, unknown) * 0.5 + 2);
    });
  });

  describe('request errors (RFC 6749 §5.2)', () => {
    it.each([
      ['a missing grant_type', {}, 'invalid_request', 'invalid_request'],
      ['an unsupported grant_type', { grant_type: 'password' }, 'unsupported_grant_type', 'unsupported_grant_type'],
      ['a scope the key does not hold', { grant_type: 'client_credentials', scope: 'coin:withdrawals:write' }, 'invalid_scope', 'invalid_scope'],
      ['an unknown scope', { grant_type: 'client_credentials', scope: 'exchange:everything' }, 'invalid_scope', 'invalid_scope'],
      ['an admin scope on an account key', { grant_type: 'client_credentials', scope: 'admin:keys:read' }, 'invalid_scope', 'invalid_scope'],
      ['an unknown resource', { grant_type: 'client_credentials', resource: 'https://evil.example' }, 'invalid_target', 'invalid_request'],
    ])('answers %s with 400 %s', async (_name, params, error, reason) => {
      const res = await tokenRequest(t.baseUrl, key.clientId, key.secret, params as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(error);
      expect(typeof res.body.error_description).toBe('string');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await lastEvent('token.denied')).toMatchObject({ reason, actor_client_id: key.clientId });
    });

    it('authenticates the client before judging the request: bad secret + bad grant is invalid_client', async () => {
      const res = await tokenRequest(t.baseUrl, key.clientId, generateSecret(), { grant_type: 'password' });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('refuses a parameter given twice', async () => {
      const res = await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(key.clientId, key.secret) },
        body: form([
          ['grant_type', 'client_credentials'],
          ['scope', 'coin:wallets:read'],
          ['scope', 'exchange:account:read'],
        ]),
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The parameter "scope" is given more than once' });
      expect(await lastEvent('token.denied')).toMatchObject({ reason: 'invalid_request' });
    });

    it('refuses two client authentication methods in one request', async () => {
      const res = await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(key.clientId, key.secret) },
        body: form({ grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.secret }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('refuses a body that is not form-encoded', async () => {
      const res = await request(`${t.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(key.clientId, key.secret) },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('malformed input never yields a 5xx', () => {
    const cases: [string, RequestInit][] = [
      ['Basic without credentials', { headers: { ...FORM, authorization: 'Basic' } }],
      ['Basic with garbage', { headers: { ...FORM, authorization: 'Basic %%%%' } }],
      ['Basic without a colon', { headers: { ...FORM, authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` } }],
      ['Basic with a broken %-escape', { headers: { ...FORM, authorization: `Basic ${Buffer.from('id:%E0%A4%A').toString('base64')}` } }],
      ['a Bearer header', { headers: { ...FORM, authorization: 'Bearer abc' } }],
      ['an enormous client id', { headers: { ...FORM, authorization: basic('x'.repeat(5000), 'y') } }],
      ['invalid UTF-8 in the body', { headers: FORM, body: Buffer.from([0x67, 0x3d, 0xff, 0xfe]) }],
      ['a body of 1 MiB', { headers: FORM, body: 'a='.padEnd(1024 * 1024, 'x') }],
      ['an unknown content type', { headers: { 'content-type': 'application/xml' }, body: '<x/>' }],
      ['no body at all', { headers: { authorization: basic(generateSecret(), 'x') } }],
      ['NUL bytes in the body and a 4 kB user agent', { headers: { ...FORM, 'user-agent': 'x'.repeat(4000) }, body: 'grant_type=client_credentials&client_id=%00&client_secret=%00' }],
    ];

    it.each(cases)('%s: a 4xx in OAuth form', async (_name, init) => {
      const res = await request(`${t.baseUrl}/oauth2/token`, { method: 'POST', body: form({ grant_type: 'client_credentials' }), ...init });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof (res.body as Record<string, unknown>).error).toBe('string');
    });

    it('still serves correct requests after all that', async () => {
      expect((await tokenRequest(t.baseUrl, key.clientId, key.secret)).status).toBe(200);
    });
  });
});
