/**
 * Token validation everywhere: RFC 7662 introspection for each token state,
 * RFC 7009 revocation, key- and secret-wide revocation, access.denied events,
 * openid-client's introspection and revocation unchanged, and a revocation
 * made on one instance refused by another within a second.
 */
import * as oauth from 'openid-client';
import { Transactions } from '../../src/database/transactions';
import { KeysService } from '../../src/keys/keys.service';
import { RevocationsService } from '../../src/tokens/revocations.service';
import { TokenSigner } from '../../src/tokens/token-signer';
import { sql } from '../support/db-query';
import { accessToken, basic, createKey, decodeJwt, form, FORM, request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('token validation', () => {
  let t: TestApp;
  let alice: { clientId: string; secret: string };
  let bob: { clientId: string; secret: string };
  let introspector: { clientId: string; secret: string };

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createKey(t, { scopes: ['exchange:account:read', 'coin:wallets:read'], account_id: 'acc_alice' });
    bob = await createKey(t, { scopes: ['exchange:account:read'], account_id: 'acc_bob' });
    const created = await t.app
      .get(KeysService)
      .create({ accountId: null, label: 'gateway', scopes: ['admin:tokens:introspect'] }, { clientId: null });
    introspector = { clientId: created.key.client_id, secret: created.clientSecret };
  });
  afterAll(() => t.close());

  const introspect = (caller: { clientId: string; secret: string }, token: string, base = t.baseUrl) =>
    request(`${base}/oauth2/introspect`, { method: 'POST', headers: { ...FORM, authorization: basic(caller.clientId, caller.secret) }, body: form({ token }) });
  const revoke = (caller: { clientId: string; secret: string }, token: string, base = t.baseUrl) =>
    request(`${base}/oauth2/revoke`, { method: 'POST', headers: { ...FORM, authorization: basic(caller.clientId, caller.secret) }, body: form({ token }) });
  const adminGet = (token: string, base = t.baseUrl) =>
    request(`${base}/admin/keys/${t.admin.clientId}`, { headers: { authorization: `Bearer ${token}` } });

  describe('POST /oauth2/introspect', () => {
    it('describes an active token to its own client with every RFC 7662 member', async () => {
      const token = await accessToken(t.baseUrl, alice.clientId, alice.secret);
      const claims = decodeJwt(token).payload;
      const res = await introspect(alice, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        scope: 'exchange:account:read coin:wallets:read',
        client_id: alice.clientId,
        sub: alice.clientId,
        aud: ['urn:wagmix:coin', 'urn:wagmix:exchange'],
        iss: t.baseUrl,
        exp: claims.exp,
        iat: claims.iat,
        nbf: claims.nbf,
        jti: claims.jti,
        token_type: 'Bearer',
        account_id: 'acc_alice',
      });
    });

    it('tells another client nothing, and a holder of admin:tokens:introspect everything', async () => {
      const token = await accessToken(t.baseUrl, alice.clientId, alice.secret);
      expect((await introspect(bob, token)).body).toEqual({ active: false });
      expect((await introspect(introspector, token)).body).toMatchObject({ active: true, client_id: alice.clientId });
    });

    it('answers exactly {"active":false} for garbage, an expired, a foreign-issuer and a tampered token', async () => {
      const signer = t.app.get(TokenSigner);
      const now = Math.floor(Date.now() / 1000);
      const base = { sub: alice.clientId, client_id: alice.clientId, aud: 'urn:wagmix:exchange', scope: 'exchange:account:read', jti: 'x1' };
      const expired = signer.sign({ ...base, iss: t.baseUrl, iat: now - 600, nbf: now - 600, exp: now - 300 });
      const foreign = signer.sign({ ...base, iss: 'https://elsewhere.example', iat: now, nbf: now, exp: now + 60 });
      const good = await accessToken(t.baseUrl, alice.clientId, alice.secret);
      const tampered = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const token of ['garbage', 'a.b.c', expired, foreign, tampered]) {
        const res = await introspect(introspector, token);
        expect(res.status).toBe(200);
        expect(res.text).toBe('{"active":false}');
      }
    });

    it('requires client authentication and the token parameter', async () => {
      const noAuth = await request(`${t.baseUrl}/oauth2/introspect`, { method: 'POST', headers: FORM, body: form({ token: 'x' }) });
      expect(noAuth.status).toBe(401);
      expect(noAuth.body.error).toBe('invalid_client');
      const wrong = await introspect({ clientId: alice.clientId, secret: bob.secret }, 'x');
      expect(wrong.status).toBe(401);
      const missing = await request(`${t.baseUrl}/oauth2/introspect`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(alice.clientId, alice.secret) },
        body: form({}),
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
    });

    it('records token.introspected', async () => {
      const token = await accessToken(t.baseUrl, alice.clientId, alice.secret);
      await introspect(introspector, token);
      const ev = (await sql(t.db.url, "SELECT * FROM audit_events WHERE type = 'token.introspected' ORDER BY id DESC LIMIT 1"))[0];
      expect(ev).toMatchObject({ actor_client_id: introspector.clientId, subject_client_id: alice.clientId, subject_jti: decodeJwt(token).payload.jti });
      expect(ev?.data).toEqual({ active: true });
    });
  });

  describe('POST /oauth2/revoke', () => {
    it('revokes a token of the calling client: the guard and introspection refuse it at once', async () => {
      const token = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
      expect((await adminGet(token)).status).toBe(200); // now cached by the guard
      const res = await revoke(t.admin, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const after = await adminGet(token);
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error_description="The access token was revoked"');
      expect((await introspect(introspector, token)).body).toEqual({ active: false });
      const ev = (await sql(t.db.url, "SELECT * FROM audit_events WHERE type = 'token.revoked' ORDER BY id DESC LIMIT 1"))[0];
      expect(ev).toMatchObject({ actor_client_id: t.admin.clientId, subject_jti: decodeJwt(token).payload.jti, outcome: 'success' });
    });

    it('answers 200 for an unknown, invalid or already revoked token (RFC 7009 §2.2)', async () => {
      expect((await revoke(alice, 'not-a-token')).status).toBe(200);
      const token = await accessToken(t.baseUrl, alice.clientId, alice.secret);
      expect((await revoke(alice, token)).status).toBe(200);
      expect((await revoke(alice, token)).status).toBe(200);
    });

    it('refuses to revoke another client’s token, which stays active', async () => {
      const token = await accessToken(t.baseUrl, alice.clientId, alice.secret);
      const res = await revoke(bob, token);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'The token was not issued to this client' });
      expect((await introspect(alice, token)).body).toMatchObject({ active: true });
    });
  });

  describe('revoking a key or a secret', () => {
    it('refuses every outstanding token of a revoked key, not tokens of other keys', async () => {
      const k = await createKey(t, { scopes: ['exchange:account:read'] });
      const t1 = await accessToken(t.baseUrl, k.clientId, k.secret);
      const t2 = await accessToken(t.baseUrl, k.clientId, k.secret);
      const other = await accessToken(t.baseUrl, bob.clientId, bob.secret);
      await t.app.get(Transactions).run((tx) => t.app.get(RevocationsService).revokeKey(tx, k.clientId, 'test'));
      expect((await introspect(introspector, t1)).body).toEqual({ active: false });
      expect((await introspect(introspector, t2)).body).toEqual({ active: false });
      expect((await introspect(introspector, other)).body).toMatchObject({ active: true });
    });

    it('refuses the tokens of a secret rotated away', async () => {
      const k = await createKey(t, { scopes: ['exchange:account:read'] });
      const token = await accessToken(t.baseUrl, k.clientId, k.secret);
      const sid = decodeJwt(token).payload.wgx_sid as string;
      await t.app.get(Transactions).run((tx) => t.app.get(RevocationsService).revokeSecret(tx, sid, 'test'));
      expect((await introspect(introspector, token)).body).toEqual({ active: false });
    });
  });

  describe('access.denied', () => {
    it('records each refusal of the guard with its reason, never the token', async () => {
      const res = await adminGet('eyJhbGciOiJFUzI1NiJ9.e30.AAAA');
      expect(res.status).toBe(401);
      const ev = (await sql(t.db.url, "SELECT * FROM audit_events WHERE type = 'access.denied' ORDER BY id DESC LIMIT 1"))[0];
      expect(ev).toMatchObject({ outcome: 'failure', reason: 'invalid_token', request_id: res.headers.get('x-request-id'), actor_ip: '127.0.0.1' });
      expect(ev?.data).toMatchObject({ status: 401, method: 'GET', route: '/admin/keys/:client_id' });
      expect(JSON.stringify(ev)).not.toContain('eyJhbGciOiJFUzI1NiJ9');
    });
  });

  describe('openid-client', () => {
    it('introspects and revokes unchanged', async () => {
      const config = await oauth.discovery(new URL(t.baseUrl), alice.clientId, alice.secret, oauth.ClientSecretBasic(alice.secret), {
        algorithm: 'oauth2',
        execute: [oauth.allowInsecureRequests],
      });
      const { access_token } = await oauth.clientCredentialsGrant(config);
      const before = await oauth.tokenIntrospection(config, access_token);
      expect(before).toMatchObject({ active: true, client_id: alice.clientId, token_type: 'Bearer' });
      await oauth.tokenRevocation(config, access_token);
      expect(await oauth.tokenIntrospection(config, access_token)).toEqual({ active: false });
    });
  });

  describe('several instances', () => {
    const refusedWithin = async (check: () => Promise<number>, ms: number) => {
      const start = Date.now();
      while (Date.now() - start < ms) {
        if ((await check()) === 401) return Date.now() - start;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`still accepted after ${ms} ms`);
    };

    it('a revocation made on one instance is refused by another within a second', async () => {
      const b = await t.another();
      try {
        const token = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
        expect((await adminGet(token, b.baseUrl)).status).toBe(200);
        expect((await revoke(t.admin, token)).status).toBe(200);
        const took = await refusedWithin(async () => (await adminGet(token, b.baseUrl)).status, 1000);
        expect(took).toBeLessThan(1000);
      } finally {
        await b.close();
      }
    });

    it('an instance that lost its LISTEN connection rebuilds its state and still learns of revocations', async () => {
      const b = await t.another();
      try {
        const token = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
        expect((await adminGet(token, b.baseUrl)).status).toBe(200);
        // Cut every listener connection (both instances'), then revoke while they reconnect.
        await sql(t.db.url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'wagmix-auth-listener' AND datname = current_database()");
        expect((await revoke(t.admin, token)).status).toBe(200);
        await refusedWithin(async () => (await adminGet(token, b.baseUrl)).status, 5000);
      } finally {
        await b.close();
      }
    });
  });
});
