/**
 * PATCH /admin/keys/{client_id}: each setting changes, the next token
 * follows it, `key.updated` names every changed field old → new, and every
 * kind of bad input is a 4xx problem, never a 5xx.
 */
import { sql } from '../support/db-query';
import { decodeJwt, tokenRequest } from '../support/http';
import { adminApi, adminKeyWith, type AdminApi, events, expectProblem, expectValidationProblem } from '../support/admin-api';
import { startTestApp, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

const DAY = 86_400_000;

describe('PATCH /admin/keys/{client_id}', () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => {
    t = await startTestApp();
    api = await adminApi(t);
  });
  afterAll(() => t.close());

  const patch = (clientId: string, body: unknown, token?: string) => api.send('PATCH', `/admin/keys/${clientId}`, body, token);
  const fresh = () => api.create({ label: 'before', scopes: ['exchange:account:read', 'exchange:orders:read'], token_ttl_seconds: 900 });

  it('changes every setting at once and records key.updated with old and new values', async () => {
    const k = await fresh();
    const expiresAt = new Date(Date.now() + 30 * DAY).toISOString();
    const res = await patch(k.clientId, {
      label: 'after',
      scopes: ['exchange:account:read', 'exchange:orders:write'],
      allowed_cidrs: ['127.0.0.1/32', '2001:db8::/32'],
      token_ttl_seconds: 600,
      expires_at: expiresAt,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_id: k.clientId,
      label: 'after',
      scopes: ['exchange:account:read', 'exchange:orders:write'],
      allowed_cidrs: ['127.0.0.1/32', '2001:db8::/32'],
      token_ttl_seconds: 600,
      expires_at: expiresAt,
      status: 'active',
    });
    expect((await api.get(`/admin/keys/${k.clientId}`)).body).toEqual(res.body);

    const [ev, ...more] = await events(t, 'key.updated', k.clientId);
    expect(more).toEqual([]);
    expect(ev).toMatchObject({
      outcome: 'success',
      actor_client_id: t.admin.clientId,
      actor_ip: '127.0.0.1',
      subject_account_id: 'acc_test',
      request_id: res.headers.get('x-request-id'),
    });
    expect(ev?.data).toEqual({
      label: { old: 'before', new: 'after' },
      scopes: { old: ['exchange:account:read', 'exchange:orders:read'], new: ['exchange:account:read', 'exchange:orders:write'] },
      allowed_cidrs: { old: [], new: ['127.0.0.1/32', '2001:db8::/32'] },
      token_ttl_seconds: { old: 900, new: 600 },
      expires_at: { old: k.body.expires_at, new: expiresAt },
    });
  });

  it('lists only the fields that changed, and records nothing when nothing changes', async () => {
    const k = await fresh();
    expect((await patch(k.clientId, { label: 'before', token_ttl_seconds: 300 })).status).toBe(200);
    expect((await events(t, 'key.updated', k.clientId)).map((e) => e.data)).toEqual([{ token_ttl_seconds: { old: 900, new: 300 } }]);
    const same = await patch(k.clientId, {});
    expect(same.status).toBe(200);
    expect(same.body.token_ttl_seconds).toBe(300);
    expect(await events(t, 'key.updated', k.clientId)).toHaveLength(1);
  });

  it('applies to the next token: new scopes and lifetime', async () => {
    const k = await fresh();
    await patch(k.clientId, { scopes: ['coin:wallets:read'], token_ttl_seconds: 120 });
    const res = await tokenRequest(t.baseUrl, k.clientId, k.secret);
    expect(res.body).toMatchObject({ scope: 'coin:wallets:read', expires_in: 120 });
    expect(decodeJwt(res.body.access_token as string).payload.aud).toBe('urn:wagmix:coin');
  });

  it('allows an expiry up to the maximum lifetime from now, not beyond', async () => {
    const k = await fresh();
    const within = new Date(Date.now() + 365 * DAY - 60_000).toISOString();
    expect((await patch(k.clientId, { expires_at: within })).body.expires_at).toBe(within);
    expectValidationProblem(await patch(k.clientId, { expires_at: new Date(Date.now() + 366 * DAY).toISOString() }), 'expires_at');
  });

  it.each([
    ['an unknown field', { scope: 'coin:wallets:read' }, 'scope'],
    ['client_id in the body', { client_id: 'wgxk_0000000000000000000000' }, 'client_id'],
    ['account_id in the body', { account_id: 'acc_other' }, 'account_id'],
    ['an unknown scope', { scopes: ['exchange:everything'] }, 'scopes.0'],
    ['an admin scope', { scopes: ['admin:keys:write'] }, 'scopes.0'],
    ['no scopes', { scopes: [] }, 'scopes'],
    ['scopes as a string', { scopes: 'coin:wallets:read' }, 'scopes'],
    ['an empty label', { label: '' }, 'label'],
    ['a label of 201 chars', { label: 'x'.repeat(201) }, 'label'],
    ['a null label', { label: null }, 'label'],
    ['a malformed CIDR', { allowed_cidrs: ['10.0.0.0/33'] }, 'allowed_cidrs.0'],
    ['an IPv6 CIDR too wide', { allowed_cidrs: ['2001:db8::/129'] }, 'allowed_cidrs.0'],
    ['a host name', { allowed_cidrs: ['example.com'] }, 'allowed_cidrs.0'],
    ['31 CIDRs', { allowed_cidrs: Array.from({ length: 31 }, (_, i) => `10.0.${i}.0/24`) }, 'allowed_cidrs'],
    ['a TTL of 59 s', { token_ttl_seconds: 59 }, 'token_ttl_seconds'],
    ['a TTL of 3601 s', { token_ttl_seconds: 3601 }, 'token_ttl_seconds'],
    ['a TTL of 1.5 s', { token_ttl_seconds: 1.5 }, 'token_ttl_seconds'],
    ['a TTL as a string', { token_ttl_seconds: '300' }, 'token_ttl_seconds'],
    ['an expiry in the past', { expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
    ['an expiry that is not RFC 3339', { expires_at: 'tomorrow' }, 'expires_at'],
    ['a null expiry (account keys always expire)', { expires_at: null }, 'expires_at'],
  ])('answers %s with a 400 problem naming the field, changing nothing', async (_name, body, field) => {
    const k = await fresh();
    expectValidationProblem(await patch(k.clientId, body), field);
    expect((await api.get(`/admin/keys/${k.clientId}`)).body).toEqual((({ client_secret: _s, ...view }) => view)(k.body));
    expect(await events(t, 'key.updated', k.clientId)).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"label":'],
    ['a JSON array', '[]'],
    ['a JSON string', '"label"'],
  ])('answers %s with a 4xx problem', async (_name, body) => {
    const k = await fresh();
    const res = await patch(k.clientId, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('enforces the allow-list policy on the key as it would be after the change', async () => {
    const k = await fresh();
    expectValidationProblem(await patch(k.clientId, { scopes: ['coin:withdrawals:write'] }), 'allowed_cidrs');
    expect((await patch(k.clientId, { scopes: ['coin:withdrawals:write'], allowed_cidrs: ['198.51.100.0/24'] })).status).toBe(200);
    expectValidationProblem(await patch(k.clientId, { allowed_cidrs: [] }), 'allowed_cidrs');
    expect((await patch(k.clientId, { label: 'still bound' })).status).toBe(200);
  });

  it('refuses to change the scopes of an admin key (admin keys come from the CLI)', async () => {
    const admin = await adminKeyWith(t, ['admin:audit:read']);
    expectValidationProblem(await patch(admin.clientId, { scopes: ['admin:keys:write'] }), 'scopes');
    expect((await patch(admin.clientId, { label: 'renamed' })).body.label).toBe('renamed');
  });

  it('answers 409 for a revoked or an expired key, 404 for an unknown or malformed id', async () => {
    const revoked = await fresh();
    await api.send('POST', `/admin/keys/${revoked.clientId}/revoke`, {});
    expectProblem(await patch(revoked.clientId, { label: 'x' }), 409);
    const expired = await fresh();
    await sql(t.db.url, "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE client_id = $1", [expired.clientId]);
    const res = await patch(expired.clientId, { expires_at: new Date(Date.now() + DAY).toISOString() });
    expectProblem(res, 409);
    expect(res.body.type).toBe('urn:wagmix:problem:conflict');
    expectProblem(await patch('wgxk_0000000000000000000000', { label: 'x' }), 404);
    expectProblem(await patch('nope', { label: 'x' }), 404);
  });

  it('needs admin:keys:write', async () => {
    const k = await fresh();
    const reader = await adminKeyWith(t, ['admin:keys:read']);
    const res = await patch(k.clientId, { label: 'x' }, reader.token);
    expectProblem(res, 403);
    expect(res.body.scope).toBe('admin:keys:write');
  });
});
