/**
 * Start-up as operators meet it: the bootstrap admin variables, the first-start
 * key printed for a new user, and several instances sharing one store.
 */
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { accessToken, decodeJwt, request, tokenRequest } from '../support/http';
import { startTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

describe('start-up', () => {
  it('creates the bootstrap admin key with every admin scope, once, and never overwrites it', async () => {
    const t = await startTestApp();
    try {
      const res = await tokenRequest(t.baseUrl, t.admin.clientId, t.admin.secret);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('admin:keys:read admin:keys:write admin:audit:read admin:signing-keys:write admin:tokens:introspect');
      expect(decodeJwt(res.body.access_token as string).payload).not.toHaveProperty('account_id');

      // A restart with another secret for the same id leaves the stored key alone.
      const again = await startTestApp({ BOOTSTRAP_ADMIN_CLIENT_SECRET: generateSecret() }, { db: t.db, admin: t.admin, issuer: t.baseUrl });
      try {
        expect((await tokenRequest(again.baseUrl, t.admin.clientId, t.admin.secret)).status).toBe(200);
        const rows = await sql(t.db.url, 'SELECT count(*)::int AS n FROM api_keys WHERE client_id = $1', [t.admin.clientId]);
        expect(rows[0]).toEqual({ n: 1 });
        const created = await sql(t.db.url, "SELECT count(*)::int AS n FROM audit_events WHERE type = 'key.created'");
        expect(created[0]).toEqual({ n: 1 });
      } finally {
        await again.close();
      }
    } finally {
      await t.close();
    }
  });

  it('accepts an operator-chosen bootstrap secret of 32+ characters', async () => {
    const admin = { clientId: generateClientId(), secret: 'an operator chosen secret: long enough!' };
    const t = await startTestApp({ BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId, BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.secret });
    try {
      expect((await tokenRequest(t.baseUrl, admin.clientId, admin.secret)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('on the first start of an empty store, prints an admin key and a curl line once; not on the next start', async () => {
    const db = await createTestDatabase();
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    const capture = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const none = { BOOTSTRAP_ADMIN_CLIENT_ID: '', BOOTSTRAP_ADMIN_CLIENT_SECRET: '' };
    try {
      const first = await startTestApp(none, { db, admin: { clientId: '', secret: '' }, issuer: 'http://127.0.0.1:1' });
      const printed = writes.join('');
      const id = /client_id: +(wgxk_\w+)/.exec(printed)?.[1];
      const secret = /client_secret: +(wgxs_\w+)/.exec(printed)?.[1];
      expect(id).toBeDefined();
      expect(secret).toBeDefined();
      expect(printed).toContain(`curl -s -u '${id}:${secret}' -d grant_type=client_credentials http://127.0.0.1:1/oauth2/token`);
      expect(decodeJwt(await accessToken(first.baseUrl, id as string, secret as string)).payload.scope).toContain('admin:keys:write');
      await first.close();

      writes.length = 0;
      const second = await startTestApp(none, { db, admin: { clientId: '', secret: '' }, issuer: 'http://127.0.0.1:1' });
      await second.close();
      expect(writes.join('')).not.toContain('client_secret');
      expect(await sql(db.url, 'SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 1 }]);
    } finally {
      capture.mockRestore();
      process.stdout.write = original;
      await db.drop();
    }
  });

  it('two instances on one store sign with the same key and accept each other’s tokens', async () => {
    const a = await startTestApp();
    const b = await a.another();
    try {
      const jwksA = await request(`${a.baseUrl}/.well-known/jwks.json`);
      const jwksB = await request(`${b.baseUrl}/.well-known/jwks.json`);
      expect(jwksB.body).toEqual(jwksA.body);
      const token = await accessToken(a.baseUrl, a.admin.clientId, a.admin.secret);
      const res = await request(`${b.baseUrl}/admin/keys/${a.admin.clientId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await sql(a.db.url, "SELECT count(*)::int AS n FROM signing_keys WHERE state = 'active'")).toEqual([{ n: 1 }]);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('keeps Basic authentication working on an instance after another in the same process closed', async () => {
    // Passport's registry is per process: the later instance's strategy replaced the earlier one's.
    const a = await startTestApp();
    const b = await a.another();
    await b.close();
    try {
      expect((await tokenRequest(a.baseUrl, a.admin.clientId, a.admin.secret)).status).toBe(200);
    } finally {
      await a.close();
    }
  });
});
