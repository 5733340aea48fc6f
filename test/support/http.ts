/** Small HTTP helpers for e2e tests: real requests over the loopback, nothing mocked. */
export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export async function request<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<Answer<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

export const basic = (clientId: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export function form(params: Record<string, string> | [string, string][]): string {
  return new URLSearchParams(params).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** POST /oauth2/token with client_secret_basic. */
export function tokenRequest(baseUrl: string, clientId: string, secret: string, params: Record<string, string> = { grant_type: 'client_credentials' }) {
  return request(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { ...FORM, authorization: basic(clientId, secret) },
    body: form(params),
  });
}

export async function accessToken(baseUrl: string, clientId: string, secret: string, params?: Record<string, string>): Promise<string> {
  const res = await tokenRequest(baseUrl, clientId, secret, params);
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return (res.body as { access_token: string }).access_token;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h as string, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p as string, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** Creates an account key through the admin API and returns its id and secret. */
export async function createKey(
  t: { baseUrl: string; admin: { clientId: string; secret: string } },
  body: Record<string, unknown>,
  adminToken?: string,
): Promise<{ clientId: string; secret: string; body: Record<string, unknown> }> {
  const token = adminToken ?? (await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret));
  const res = await request(`${t.baseUrl}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: 'acc_test', label: 'test key', ...body }),
  });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${res.text}`);
  return { clientId: res.body.client_id as string, secret: res.body.client_secret as string, body: res.body };
}
