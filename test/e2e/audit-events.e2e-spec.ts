/**
 * Each event type the service emits today, triggered through the real
 * endpoints and read back through GET /admin/audit-events: who acted, from
 * where, on what, why, and that no secret or token is ever in an event.
 */
import type { AuditEventView } from '../../src/audit/audit-event';
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { accessToken, createKey, decodeJwt, FORM, form, request, tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('audit events emitted by the service', () => {
  let t: TestApp;
  let admin: string;

  const events = async (query: string): Promise<AuditEventView[]> => {
    const res = await request<{ items: AuditEventView[] }>(`${t.baseUrl}/admin/audit-events?${query}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const UA = { 'user-agent': 'audit-e2e/1.0' };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
  });
  afterAll(() => t.close());

  it('records signing_key.rotated when the first signing key is made at start-up', async () => {
    const [ev] = await events('type=signing_key.rotated');
    const jwks = await request<{ keys: { kid: string }[] }>(`${t.baseUrl}/.well-known/jwks.json`);
    expect(ev).toMatchObject({
      id: '1',
      type: 'signing_key.rotated',
      outcome: 'success',
      actor: { client_id: null, ip: null, user_agent: null },
      reason: 'initial',
      data: { kid: jwks.body.keys[0]?.kid, alg: 'ES256', state: 'active' },
      prev_hash: '0'.repeat(64),
    });
  });

  it('records key.created with the acting admin, the new key as subject and its settings', async () => {
    const res = await request(`${t.baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'x-request-id': 'req-key-created', ...UA },
      body: JSON.stringify({ account_id: 'acc_ev', label: 'bot', scopes: ['exchange:orders:read'], allowed_cidrs: ['127.0.0.1/32'] }),
    });
    expect(res.status).toBe(201);
    const [ev] = await events(`type=key.created&client_id=${res.body.client_id as string}`);
    expect(ev).toMatchObject({
      type: 'key.created',
      outcome: 'success',
      actor: { client_id: t.admin.clientId, ip: '127.0.0.1', user_agent: 'audit-e2e/1.0' },
      subject: { client_id: res.body.client_id, account_id: 'acc_ev', jti: null },
      reason: null,
      request_id: 'req-key-created',
      data: { label: 'bot', scopes: ['exchange:orders:read'], allowed_cidrs: ['127.0.0.1/32'] },
    });
    expect(JSON.stringify(ev)).not.toContain(res.body.client_secret as string);
  });

  it('records token.issued with the jti of the token it returned, and never the token', async () => {
    const key = await createKey(t, { account_id: 'acc_tok', scopes: ['exchange:orders:read', 'coin:wallets:read'] });
    const res = await request<{ access_token: string }>(`${t.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, 'x-request-id': 'req-issued', ...UA },
      body: form({ grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.secret, scope: 'coin:wallets:read' }),
    });
    expect(res.status).toBe(200);
    const claims = decodeJwt(res.body.access_token).payload;
    const [ev] = await events(`type=token.issued&client_id=${key.clientId}`);
    expect(ev).toMatchObject({
      outcome: 'success',
      actor: { client_id: key.clientId, ip: '127.0.0.1', user_agent: 'audit-e2e/1.0' },
      subject: { client_id: key.clientId, account_id: 'acc_tok', jti: claims.jti },
      reason: null,
      request_id: 'req-issued',
      data: { scope: 'coin:wallets:read', aud: 'urn:wagmix:coin', iat: claims.iat, exp: claims.exp, grant_type: 'client_credentials', auth_method: 'client_secret_post' },
    });
    const text = JSON.stringify(ev);
    expect(text).not.toContain(res.body.access_token);
    expect(text).not.toContain(key.secret);
  });

  describe('token.denied with the true reason, though the client sees one invalid_client', () => {
    let key: { clientId: string; secret: string };
    beforeAll(async () => {
      key = await createKey(t, { account_id: 'acc_deny', scopes: ['exchange:orders:read'] });
    });

    const cases: [string, () => { id: string; secret: string; params?: Record<string, string> }, string][] = [
      ['unknown_client', () => ({ id: generateClientId(), secret: generateSecret() }), 'invalid_client'],
      ['bad_secret', () => ({ id: key.clientId, secret: generateSecret() }), 'invalid_client'],
      ['invalid_scope', () => ({ id: key.clientId, secret: key.secret, params: { grant_type: 'client_credentials', scope: 'coin:wallets:read' } }), 'invalid_scope'],
      ['unsupported_grant_type', () => ({ id: key.clientId, secret: key.secret, params: { grant_type: 'password' } }), 'unsupported_grant_type'],
      ['invalid_request', () => ({ id: key.clientId, secret: key.secret, params: { scope: 'exchange:orders:read' } }), 'invalid_request'],
    ];
    it.each(cases)('%s', async (reason, make, wire) => {
      const c = make();
      const res = await tokenRequest(t.baseUrl, c.id, c.secret, c.params);
      expect(res.body).toMatchObject({ error: wire });
      const [ev] = await events(`type=token.denied&client_id=${c.id}&limit=1`);
      expect(ev).toMatchObject({
        outcome: 'failure',
        actor: { client_id: c.id, ip: '127.0.0.1' },
        subject: { client_id: c.id },
        reason,
        request_id: res.headers.get('x-request-id'),
        data: { error: wire, auth_method: 'client_secret_basic' },
      });
      expect(JSON.stringify(ev)).not.toContain(c.secret);
    });
  });

  it('never stores an Authorization header, a secret or a token anywhere in the log', async () => {
    const key = await createKey(t, { account_id: 'acc_leak', scopes: ['exchange:orders:read'] });
    const token = await accessToken(t.baseUrl, key.clientId, key.secret);
    const res = await request(`${t.baseUrl}/admin/audit-events?format=ndjson`, { headers: { authorization: `Bearer ${admin}` } });
    for (const needle of [key.secret, token, admin, t.admin.secret, 'Bearer ', 'Basic ']) expect(res.text).not.toContain(needle);
  });
});
