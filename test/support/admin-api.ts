/** The admin keys API as an admin's script calls it: real HTTP with a bearer token, nothing mocked. */
import { KeysService } from '../../src/keys/keys.service';
import { sql } from './db-query';
import { accessToken, type Answer, request, tokenRequest } from './http';
import type { TestApp } from './test-app';

export interface AdminApi {
  readonly token: string;
  get(path: string, token?: string): Promise<Answer>;
  send(method: 'POST' | 'PATCH', path: string, body?: unknown, token?: string): Promise<Answer>;
  create(body: Record<string, unknown>): Promise<{ clientId: string; secret: string; body: Record<string, unknown> }>;
}

export async function adminApi(t: TestApp): Promise<AdminApi> {
  const token = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
  const api: AdminApi = {
    token,
    get: (path, as = token) => request(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${as}` } }),
    send: (method, path, body, as = token) =>
      request(`${t.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async create(body) {
      const res = await api.send('POST', '/admin/keys', { account_id: 'acc_test', label: 'test key', ...body });
      if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${res.text}`);
      return { clientId: res.body.client_id as string, secret: res.body.client_secret as string, body: res.body };
    },
  };
  return api;
}

/** An admin key with only the given admin scopes, made as the CLI makes one; returns a token for it. */
export async function adminKeyWith(t: TestApp, scopes: string[]): Promise<{ clientId: string; secret: string; token: string }> {
  const { key, clientSecret } = await t.app.get(KeysService).create({ accountId: null, label: `admin ${scopes.join(' ')}`, scopes }, { clientId: null });
  return { clientId: key.client_id, secret: clientSecret, token: await accessToken(t.baseUrl, key.client_id, clientSecret) };
}

/** A 400 problem+json naming `field` among its errors. */
export function expectValidationProblem(res: Answer, field: string): void {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: 'urn:wagmix:problem:validation', title: 'Bad Request', status: 400, request_id: expect.any(String) });
  expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
}

export function expectProblem(res: Answer, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, request_id: expect.any(String) });
}

export async function events(t: TestApp, type: string, clientId: string): Promise<Record<string, unknown>[]> {
  return sql(t.db.url, 'SELECT * FROM audit_events WHERE type = $1 AND subject_client_id = $2 ORDER BY id', [type, clientId]);
}

export async function lastDenial(t: TestApp, clientId: string): Promise<string | undefined> {
  const rows = await sql<{ reason: string }>(t.db.url, "SELECT reason FROM audit_events WHERE type = 'token.denied' AND actor_client_id = $1 ORDER BY id DESC LIMIT 1", [
    clientId,
  ]);
  return rows[0]?.reason;
}

export async function tokenStatus(t: TestApp, clientId: string, secret: string, params?: Record<string, string>): Promise<number> {
  return (await tokenRequest(t.baseUrl, clientId, secret, params)).status;
}
