/**
 * Property test against the running server: whatever mix of headers and
 * parameters a client sends to the token endpoint, the answer is a token or
 * an RFC 6749 error with a 4xx status, never a 5xx, and the server keeps serving.
 */
import fc from 'fast-check';
import { createKey, request, tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('token endpoint under arbitrary input (property)', () => {
  let t: TestApp;
  let key: { clientId: string; secret: string };
  beforeAll(async () => {
    t = await startTestApp({ LOCKOUT_THRESHOLD: '1000', TOKEN_RATE_LIMIT_PER_MINUTE: '0' });
    key = await createKey(t, { scopes: ['exchange:account:read', 'coin:wallets:read'] });
  });
  afterAll(() => t.close());

  it('answers a token or a 4xx OAuth error, never a 5xx', async () => {
    const value = () =>
      fc.oneof(
        fc.string(),
        fc.constantFrom('client_credentials', 'password', '', key.clientId, key.secret, 'exchange:account:read', 'urn:wagmix:coin', 'coin:wallets:read admin:keys:read'),
      );
    const name = fc.constantFrom('grant_type', 'scope', 'resource', 'client_id', 'client_secret', 'token', 'x');
    const auth = fc.oneof(
      fc.constant(undefined),
      fc.constant(`Basic ${Buffer.from(`${key.clientId}:${key.secret}`).toString('base64')}`),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `Basic ${Buffer.from(`${a}:${b}`).toString('base64')}`),
      fc.string().filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', 'multipart/form-data');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value()), { maxLength: 6 }), auth, contentType, async (params, authorization, type) => {
        const res = await request(`${t.baseUrl}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': type, ...(authorization ? { authorization } : {}) },
          body: new URLSearchParams(params).toString(),
        });
        expect(res.status).toBeLessThan(500);
        const body = res.body as Record<string, unknown>;
        if (res.status === 200) expect(typeof body.access_token).toBe('string');
        else expect(typeof body.error).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect((await tokenRequest(t.baseUrl, key.clientId, key.secret)).status).toBe(200);
  }, 60_000);
});
