/**
 * What reaches the log, read back from the stream pino writes to: JSON lines,
 * each line of a request carrying its request id (the x-request-id the client
 * sees), and no secret, credential or token anywhere, whether it came in a
 * Basic header, a form body or an introspection request. This file builds its
 * own app, with a stream it reads.
 */
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { accessToken, basic, createKey, form, FORM, request } from '../support/http';
import { TEST_PEPPER, TEST_SEAL_KEY } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Line = Record<string, unknown> & { request_id?: string; msg?: string; level?: string };

describe('logs', () => {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(String(chunk));
      done();
    },
  });
  const lines = (): Line[] =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  const linesOf = (requestId: string) => lines().filter((l) => l.request_id === requestId);
  /** The completion line is written when the response finishes, a moment after the client has it. */
  const settle = () => new Promise((r) => setTimeout(r, 50));

  let db: TestDatabase;
  let app: NestFastifyApplication;
  let t: { baseUrl: string; admin: { clientId: string; secret: string } };

  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = { clientId: generateClientId(), secret: generateSecret() };
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      SECRET_PEPPER: TEST_PEPPER,
      SIGNING_KEY_ENCRYPTION_KEY: TEST_SEAL_KEY,
      BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.secret,
      LOG_LEVEL: 'info',
    });
    app = await createApp(config, db.url, { logStream: stream });
    // A route of the test's own that logs through Nest's Logger, as every service in src/ does, naming its request.
    app
      .getHttpAdapter()
      .getInstance()
      .post('/test-only/log', async (req) => {
        new Logger('Probe').log({ request_id: req.id, received: req.body, deep: { a: { b: { authorization: 'Basic c2VjcmV0' } } } }, 'probe');
        return { ok: true };
      });
    await app.listen({ port: 0, host: '127.0.0.1' });
    t = { baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, admin };
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('writes JSON lines with a level, a time and a message; start-up lines included', () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(0);
    for (const l of all) {
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(l.level);
      expect(typeof l.time).toBe('string');
      expect(l.name).toBe('wagmix-auth');
    }
    expect(all.map((l) => l.msg)).toContain('Nest application successfully started');
  });

  it('a client_secret_basic token request: its line carries the request id, with neither the credentials nor the token', async () => {
    const key = await createKey(t, { scopes: ['exchange:account:read'] });
    const res = await request<{ access_token: string }>(`${t.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(key.clientId, key.secret) },
      body: form({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id') as string;
    await settle();
    const mine = linesOf(requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 'info',
      msg: 'POST /oauth2/token 200',
      req: { method: 'POST', url: '/oauth2/token', headers: { authorization: '[Redacted]' } },
      res: { statusCode: 200 },
    });
    const text = raw.join('');
    expect(text).not.toContain(key.secret);
    expect(text).not.toContain(basic(key.clientId, key.secret).slice('Basic '.length));
    expect(text).not.toContain(res.body.access_token);
  });

  it('a client_secret_post request keeps the caller-sent request id and logs no body', async () => {
    const key = await createKey(t, { scopes: ['exchange:account:read'] });
    const res = await request<{ access_token: string }>(`${t.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...FORM, 'x-request-id': 'client-req-4711' },
      body: form({ grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.secret }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('client-req-4711');
    await settle();
    const mine = linesOf('client-req-4711');
    expect(mine.map((l) => l.msg)).toEqual(['POST /oauth2/token 200']);
    expect(Object.keys(mine[0]?.req as object).sort()).toEqual(['headers', 'method', 'remoteAddress', 'url']);
    const text = raw.join('');
    expect(text).not.toContain(key.secret);
    expect(text).not.toContain('client_credentials');
    expect(text).not.toContain(res.body.access_token);
  });

  it('introspection and revocation with token=…: the token is in no line, not even in a query string', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const token = await accessToken(t.baseUrl, key.clientId, key.secret);
    const auth = { ...FORM, authorization: basic(key.clientId, key.secret) };
    const introspect = await request(`${t.baseUrl}/oauth2/introspect`, { method: 'POST', headers: auth, body: form({ token }) });
    expect(introspect.status).toBe(200);
    expect(introspect.body).toMatchObject({ active: true });
    const inQuery = await request(`${t.baseUrl}/oauth2/introspect?token=${token}&token_type_hint=access_token`, { method: 'POST', headers: auth, body: form({ token }) });
    expect(inQuery.status).toBe(200);
    const revoke = await request(`${t.baseUrl}/oauth2/revoke`, { method: 'POST', headers: auth, body: form({ token }) });
    expect(revoke.status).toBe(200);
    await settle();
    expect(linesOf(inQuery.headers.get('x-request-id') as string)[0]?.req).toMatchObject({
      url: '/oauth2/introspect?token=[Redacted]&token_type_hint=access_token',
    });
    for (const res of [introspect, inQuery, revoke]) expect(linesOf(res.headers.get('x-request-id') as string)).toHaveLength(1);
    const text = raw.join('');
    expect(text).not.toContain(token);
    expect(text).not.toContain(key.secret);
  });

  it("lines the code's own Logger writes about a request carry its id, and nested secrets are redacted", async () => {
    const res = await request(`${t.baseUrl}/test-only/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'probe-1' },
      body: JSON.stringify({ client_secret: 'wgxs_never_logged', nested: { access_token: 'eyJ.never.logged', token: 'tok_never' }, note: 'kept' }),
    });
    expect(res.status).toBe(200);
    await settle();
    const probe = linesOf('probe-1').find((l) => l.msg === 'probe');
    expect(probe).toMatchObject({
      context: 'Probe',
      received: { client_secret: '[Redacted]', nested: { access_token: '[Redacted]', token: '[Redacted]' }, note: 'kept' },
      deep: { a: { b: { authorization: '[Redacted]' } } },
    });
    expect(raw.join('')).not.toMatch(/never_logged|never\.logged|tok_never|c2VjcmV0/);
  });

  it('probes and scrapes get no request line, and readiness logs only when it changes', async () => {
    const ids: string[] = [];
    for (const path of ['/health/live', '/health/ready', '/health/ready', '/metrics']) ids.push((await request(`${t.baseUrl}${path}`)).headers.get('x-request-id') as string);
    await settle();
    expect(ids.map((id) => linesOf(id).map((l) => `${String(l.context)}: ${l.msg}`))).toEqual([[], ['Readiness: ready'], [], []]);
  });
});
