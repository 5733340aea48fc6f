/**
 * POST /admin/keys/{client_id}/rotate: a new secret shown once, the old one
 * working until its grace ends, at most two live secrets even under
 * simultaneous rotations, and grace 0 as compromise mode (the old secret
 * stops and the tokens it minted are refused at once).
 */
import { sql } from '../support/db-query';
import { accessToken, decodeJwt, tokenRequest } from '../support/http';
import { adminApi, adminKeyWith, type AdminApi, events, expectProblem, expectValidationProblem, lastDenial } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

type Secret = { id: string; created_at: string; expires_at: string | null; last_used_at: string | null };

describe('POST /admin/keys/{client_id}/rotate', () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => {
    t = await startTestApp({ LOCKOUT_THRESHOLD: '1000' });
    api = await adminApi(t);
  });
  afterAll(() => t.close());

  const rotate = (clientId: string, body?: unknown, token?: string) => api.send('POST', `/admin/keys/${clientId}/rotate`, body, token);
  const fresh = () => api.create({ scopes: ['coin:wallets:read'] });
  const liveSecrets = async (clientId: string) =>
    (
      await sql<{ n: number }>(
        t.db.url,
        'SELECT count(*)::int AS n FROM api_key_secrets WHERE client_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
        [clientId],
      )
    )[0]?.n;

  it('returns a new secret once; both secrets work during the default grace of one day', async () => {
    const k = await fresh();
    const oldSecretId = (k.body.secrets as Secret[])[0]?.id;
    const res = await rotate(k.clientId);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const newSecret = res.body.client_secret as string;
    expect(newSecret).toMatch(/^wgxs_[0-9A-Za-z]{49}$/);
    expect(newSecret).not.toBe(k.secret);
    const secrets = res.body.secrets as Secret[];
    expect(secrets.map((s) => s.id)).toEqual([oldSecretId, expect.any(String)]);
    const graceEnd = Date.parse(secrets[0]?.expires_at ?? '');
    expect(Math.abs(graceEnd - (Date.now() + 86_400_000))).toBeLessThan(10_000);
    expect(secrets[1]?.expires_at).toBeNull();

    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(200);
    const viaNew = await tokenRequest(t.baseUrl, k.clientId, newSecret);
    expect(viaNew.status).toBe(200);
    expect(decodeJwt(viaNew.body.access_token as string).payload.wgx_sid).toBe(secrets[1]?.id);

    const shown = await api.get(`/admin/keys/${k.clientId}`);
    expect(shown.body).not.toHaveProperty('client_secret');
    expect(shown.text).not.toContain(newSecret);

    const [ev] = await events(t, 'key.secret_rotated', k.clientId);
    expect(ev).toMatchObject({ actor_client_id: t.admin.clientId, actor_ip: '127.0.0.1', subject_account_id: 'acc_test', request_id: res.headers.get('x-request-id') });
    expect(ev?.data).toMatchObject({
      new_secret_id: secrets[1]?.id,
      old_secret_id: oldSecretId,
      grace_seconds: 86_400,
      old_secret_expires_at: secrets[0]?.expires_at,
      tokens_revoked: false,
    });
    expect(JSON.stringify(ev)).not.toContain(newSecret);
  });

  it('stops the old secret when its grace ends', async () => {
    const k = await fresh();
    const res = await rotate(k.clientId, { grace_seconds: 60 });
    expect(Date.parse((res.body.secrets as Secret[])[0]?.expires_at ?? '') - Date.now()).toBeGreaterThan(50_000);
    // Move time: the grace is over.
    await sql(t.db.url, "UPDATE api_key_secrets SET expires_at = now() - interval '1 second' WHERE client_id = $1 AND expires_at IS NOT NULL", [k.clientId]);
    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(401);
    expect(await lastDenial(t, k.clientId)).toBe('bad_secret');
    expect((await tokenRequest(t.baseUrl, k.clientId, res.body.client_secret as string)).status).toBe(200);
    expect(((await api.get(`/admin/keys/${k.clientId}`)).body.secrets as Secret[]).map((s) => s.expires_at)).toEqual([null]);
  });

  it('keeps at most two live secrets: rotating during a grace ends the older secret now', async () => {
    const k = await fresh();
    const second = (await rotate(k.clientId)).body.client_secret as string;
    const third = await rotate(k.clientId);
    expect((third.body.secrets as Secret[]).length).toBe(2);
    expect(await liveSecrets(k.clientId)).toBe(2);
    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, k.clientId, second)).status).toBe(200);
    expect((await tokenRequest(t.baseUrl, k.clientId, third.body.client_secret as string)).status).toBe(200);
    expect((await events(t, 'key.secret_rotated', k.clientId))[1]?.data).toMatchObject({ ended_secret_ids: [(k.body.secrets as Secret[])[0]?.id] });
  });

  it('never leaves more than two live secrets under simultaneous rotations', async () => {
    const k = await fresh();
    const answers = await Promise.all(Array.from({ length: 8 }, () => rotate(k.clientId, { grace_seconds: 3600 })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(await liveSecrets(k.clientId)).toBe(2);
    // Each rotation saw the one before it: a chain of 8 events, each ending exactly the secret in its grace.
    const evs = await events(t, 'key.secret_rotated', k.clientId);
    expect(evs).toHaveLength(8);
    for (let i = 1; i < evs.length; i++) expect((evs[i]?.data as { old_secret_id: string }).old_secret_id).toBe((evs[i - 1]?.data as { new_secret_id: string }).new_secret_id);
    const working = await Promise.all(answers.map((a) => tokenRequest(t.baseUrl, k.clientId, a.body.client_secret as string)));
    expect(working.filter((r) => r.status === 200)).toHaveLength(2);
  });

  it('with grace 0, stops the old secret at once and refuses the tokens it minted', async () => {
    // An admin key, so the minted token can be tried on a guarded route of this service.
    const admin = await adminKeyWith(t, ['admin:keys:read']);
    const route = `/admin/keys/${admin.clientId}`;
    expect((await api.get(route, admin.token)).status).toBe(200);
    const res = await rotate(admin.clientId, { grace_seconds: 0 });
    expect(res.status).toBe(200);
    expect((await api.get(route, admin.token)).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, admin.clientId, admin.secret)).status).toBe(401);
    expect(await lastDenial(t, admin.clientId)).toBe('bad_secret');
    const fresh = await accessToken(t.baseUrl, admin.clientId, res.body.client_secret as string);
    expect((await api.get(route, fresh)).status).toBe(200);
    expect((res.body.secrets as Secret[]).length).toBe(1);
    const oldId = (await events(t, 'key.secret_rotated', admin.clientId))[0]?.data as Record<string, unknown>;
    expect(oldId).toMatchObject({ grace_seconds: 0, tokens_revoked: true });
    const revocations = await sql(t.db.url, "SELECT subject FROM token_revocations WHERE kind = 'secret' AND subject = $1", [oldId.old_secret_id]);
    expect(revocations).toHaveLength(1);
  });

  it('with grace 0 during a grace, ends and revokes both earlier secrets', async () => {
    const k = await fresh();
    const second = (await rotate(k.clientId)).body.client_secret as string;
    const third = await rotate(k.clientId, { grace_seconds: 0 });
    expect(await liveSecrets(k.clientId)).toBe(1);
    for (const old of [k.secret, second]) expect((await tokenRequest(t.baseUrl, k.clientId, old)).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, k.clientId, third.body.client_secret as string)).status).toBe(200);
  });

  it('takes the body as optional: no body means the default grace', async () => {
    const k = await fresh();
    const res = await rotate(k.clientId, undefined);
    expect(res.status).toBe(200);
    expect((await events(t, 'key.secret_rotated', k.clientId))[0]?.data).toMatchObject({ grace_seconds: 86_400 });
  });

  it.each([
    ['a negative grace', { grace_seconds: -1 }],
    ['a grace over 7 days', { grace_seconds: 604_801 }],
    ['a fractional grace', { grace_seconds: 1.5 }],
    ['a grace as a string', { grace_seconds: '60' }],
    ['a null grace', { grace_seconds: null }],
    ['an unknown field', { grace: 60 }],
  ])('answers %s with a 400 problem, rotating nothing', async (_name, body) => {
    const k = await fresh();
    const res = await rotate(k.clientId, body);
    expectValidationProblem(res, Object.keys(body)[0] as string);
    expect(res.text).not.toMatch(/wgxs_/);
    expect(await events(t, 'key.secret_rotated', k.clientId)).toEqual([]);
  });

  it('accepts the bounds 0 and 604800', async () => {
    expect((await rotate((await fresh()).clientId, { grace_seconds: 604_800 })).status).toBe(200);
    expect((await rotate((await fresh()).clientId, { grace_seconds: 0 })).status).toBe(200);
  });

  it('answers 409 for a revoked or expired key and 404 for an unknown one', async () => {
    const revoked = await fresh();
    await api.send('POST', `/admin/keys/${revoked.clientId}/revoke`, {});
    expectProblem(await rotate(revoked.clientId), 409);
    const expired = await fresh();
    await sql(t.db.url, "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE client_id = $1", [expired.clientId]);
    expectProblem(await rotate(expired.clientId), 409);
    expectProblem(await rotate('wgxk_0000000000000000000000'), 404);
    expectProblem(await rotate('nope'), 404);
  });

  it('needs admin:keys:write', async () => {
    const reader = await adminKeyWith(t, ['admin:keys:read']);
    expectProblem(await rotate((await fresh()).clientId, {}, reader.token), 403);
  });
});
