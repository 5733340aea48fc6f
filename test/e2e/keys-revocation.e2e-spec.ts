/**
 * POST /admin/keys/{client_id}/revoke: the key stops authenticating, its
 * outstanding tokens are refused, `key.revoked` carries the admin and the
 * reason, a second revoke is a 409, and once a revoke has committed no
 * token of that key is issued, even with requests racing it.
 */
import { RevocationsService } from '../../src/tokens/revocations.service';
import { sql } from '../support/db-query';
import { decodeJwt, tokenRequest } from '../support/http';
import { adminApi, adminKeyWith, type AdminApi, events, expectProblem, expectValidationProblem, lastDenial } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

describe('POST /admin/keys/{client_id}/revoke', () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => {
    // Requests refused after a revoke are failed authentications: keep lockout out of the picture.
    t = await startTestApp({ LOCKOUT_THRESHOLD: '1000', TOKEN_RATE_LIMIT_PER_MINUTE: '0' });
    api = await adminApi(t);
  });
  afterAll(() => t.close());

  const revoke = (clientId: string, body?: unknown, token?: string) => api.send('POST', `/admin/keys/${clientId}/revoke`, body, token);
  const fresh = () => api.create({ scopes: ['coin:wallets:read'] });

  it('makes the key unusable, refuses its outstanding tokens, and records who and why', async () => {
    const admin = await adminKeyWith(t, ['admin:keys:read']);
    const route = `/admin/keys/${admin.clientId}`;
    expect((await api.get(route, admin.token)).status).toBe(200);

    const res = await revoke(admin.clientId, { reason: 'laptop stolen' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client_id: admin.clientId, status: 'revoked' });
    expect((await api.get(route, admin.token)).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, admin.clientId, admin.secret)).status).toBe(401);
    expect(await lastDenial(t, admin.clientId)).toBe('key_revoked');

    const [ev, ...more] = await events(t, 'key.revoked', admin.clientId);
    expect(more).toEqual([]);
    expect(ev).toMatchObject({
      outcome: 'success',
      actor_client_id: t.admin.clientId,
      actor_ip: '127.0.0.1',
      reason: 'laptop stolen',
      request_id: res.headers.get('x-request-id'),
    });
    expect((ev?.data as Record<string, unknown>).reason).toBe('laptop stolen');
    const stored = await sql(t.db.url, 'SELECT revoked_reason FROM api_keys WHERE client_id = $1', [admin.clientId]);
    expect(stored).toEqual([{ revoked_reason: 'laptop stolen' }]);
    expect(await sql(t.db.url, "SELECT 1 FROM token_revocations WHERE kind = 'key' AND subject = $1", [admin.clientId])).toHaveLength(1);
  });

  it('revokes an account key without a body, with no reason', async () => {
    const k = await fresh();
    const token = (await tokenRequest(t.baseUrl, k.clientId, k.secret)).body.access_token as string;
    const res = await revoke(k.clientId);
    expect(res.status).toBe(200);
    expect((await events(t, 'key.revoked', k.clientId))[0]).toMatchObject({ reason: null, subject_account_id: 'acc_test' });
    const { jti, iat, wgx_sid } = decodeJwt(token).payload as { jti: string; iat: number; wgx_sid: string };
    // What every resource server using the revocation state (or introspection) now says about the token.
    expect(t.app.get(RevocationsService).isRevoked({ jti, clientId: k.clientId, secretId: wgx_sid, issuedAt: iat })).toBe(true);
  });

  it('answers a second revoke with 409, keeping the first reason', async () => {
    const k = await fresh();
    await revoke(k.clientId, { reason: 'first' });
    const again = await revoke(k.clientId, { reason: 'second' });
    expectProblem(again, 409);
    expect(again.body.type).toBe('urn:wagmix:problem:conflict');
    expect((await events(t, 'key.revoked', k.clientId)).map((e) => e.reason)).toEqual(['first']);
  });

  it('revokes an expired key too (its tokens may still be out)', async () => {
    const k = await fresh();
    await sql(t.db.url, "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE client_id = $1", [k.clientId]);
    expect((await revoke(k.clientId)).body.status).toBe('revoked');
  });

  it.each([
    ['a reason of 501 characters', { reason: 'x'.repeat(501) }, 'reason'],
    ['a reason that is a number', { reason: 42 }, 'reason'],
    ['an unknown field', { why: 'x' }, 'why'],
  ])('answers %s with a 400 problem, revoking nothing', async (_name, body, field) => {
    const k = await fresh();
    expectValidationProblem(await revoke(k.clientId, body), field);
    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(200);
  });

  it('accepts a reason of 500 characters', async () => {
    expect((await revoke((await fresh()).clientId, { reason: 'x'.repeat(500) })).status).toBe(200);
  });

  it('answers 404 for an unknown or malformed id, and needs admin:keys:write', async () => {
    expectProblem(await revoke('wgxk_0000000000000000000000'), 404);
    expectProblem(await revoke('../keys'), 404);
    const reader = await adminKeyWith(t, ['admin:keys:read']);
    const k = await fresh();
    expectProblem(await revoke(k.clientId, {}, reader.token), 403);
    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(200);
  });

  it('issues no token after the revoke has committed, with token requests racing it', async () => {
    for (let round = 0; round < 5; round++) {
      const k = await fresh();
      const racing = Array.from({ length: 40 }, () => tokenRequest(t.baseUrl, k.clientId, k.secret));
      const revoked = await revoke(k.clientId, { reason: `race ${round}` });
      expect(revoked.status).toBe(200);
      // After the revoke's answer: refused, however it is asked.
      expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(401);
      const answers = await Promise.all(racing);
      expect(answers.every((a) => a.status === 200 || a.status === 401)).toBe(true);

      const revokedId = BigInt((await events(t, 'key.revoked', k.clientId))[0]?.id as string);
      const issued = await events(t, 'token.issued', k.clientId);
      // No token.issued of this key committed after key.revoked…
      for (const ev of issued) expect(BigInt(ev.id as string)).toBeLessThan(revokedId);
      // …and every token handed out has its committed event, and is covered by the key's revocation.
      const jtis = new Set(issued.map((e) => e.subject_jti));
      for (const a of answers.filter((x) => x.status === 200)) {
        const { jti, iat, wgx_sid } = decodeJwt(a.body.access_token as string).payload as { jti: string; iat: number; wgx_sid: string };
        expect(jtis.has(jti)).toBe(true);
        expect(t.app.get(RevocationsService).isRevoked({ jti, clientId: k.clientId, secretId: wgx_sid, issuedAt: iat })).toBe(true);
      }
      expect(issued.length).toBe(answers.filter((a) => a.status === 200).length);
    }
  }, 60_000);
});
