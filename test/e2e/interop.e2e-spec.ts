/**
 * Interop with a client we did not write, in another language: Python's Authlib
 * (Debian's python3-authlib) discovers the server, gets tokens with
 * client_secret_basic and client_secret_post, validates the JWT offline against
 * the JWKS, calls the admin API with a bearer token, introspects and revokes
 * (test/interop/authlib_client.py). Missing Authlib skips this file on a
 * developer machine; under CI=true it is a failure (.ci/run installs it).
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKey } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

// Debian's interpreter, where python3-authlib lives; `python3` on PATH may be another one (pyenv).
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'interop', 'authlib_client.py');
const INSTALL = 'apt-get install -y python3-authlib python3-requests';

const probe = spawnSync(PYTHON, ['-c', 'import authlib, requests'], { encoding: 'utf8' });
const available = probe.status === 0;
const ci = process.env.CI === 'true';

interface Results {
  authlib_version: string;
  metadata: Record<string, string>;
  basic: { token_type: string; expires_in: number; scope: string; has_refresh_token: boolean; header: Record<string, unknown>; claims: Record<string, unknown> };
  post: { token_type: string; expires_in: number; scope: string; has_refresh_token: boolean };
  bad_secret: { raised: boolean; error?: string };
  admin_get_key: { status: number; client_id: string };
  introspect: { status: number; cache_control: string; body: Record<string, unknown> };
  revoke: { status: number };
  introspect_after_revoke: { status: number; body: Record<string, unknown> };
  introspect_other: { status: number; active: boolean };
}

describe('interop: Python Authlib as the client', () => {
  if (!available && !ci) {
    it.skip(`skipped: ${PYTHON} cannot import authlib and requests (${INSTALL})`, () => undefined);
    return;
  }

  let t: TestApp;
  beforeAll(async () => {
    if (available) t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gets, validates, uses, introspects and revokes tokens with client_secret_basic and client_secret_post', async () => {
    if (!available) throw new Error(`CI=true but ${PYTHON} cannot import authlib and requests: ${INSTALL} (.ci/run does it). ${probe.stderr.trim()}`);
    const key = await createKey(t, { scopes: ['exchange:account:read', 'exchange:orders:read'] });
    // Never through argv, which any process on the machine can read.
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      WAGMIX_BASE_URL: t.baseUrl,
      WAGMIX_CLIENT_ID: key.clientId,
      WAGMIX_CLIENT_SECRET: key.secret,
      WAGMIX_ADMIN_ID: t.admin.clientId,
      WAGMIX_ADMIN_SECRET: t.admin.secret,
    };
    // Asynchronous on purpose: the server answering the script runs in this very process.
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT], { env, timeout: 20_000 });
    const r = JSON.parse(stdout) as Results;

    expect(r.authlib_version).toMatch(/^\d+\.\d+/);
    expect(r.metadata).toEqual({
      issuer: t.baseUrl,
      token_endpoint: `${t.baseUrl}/oauth2/token`,
      introspection_endpoint: `${t.baseUrl}/oauth2/introspect`,
      revocation_endpoint: `${t.baseUrl}/oauth2/revoke`,
      jwks_uri: `${t.baseUrl}/.well-known/jwks.json`,
    });
    expect(r.basic).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'exchange:account:read', has_refresh_token: false });
    expect(r.basic.header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(r.basic.claims).toMatchObject({
      iss: t.baseUrl,
      sub: key.clientId,
      client_id: key.clientId,
      aud: 'urn:wagmix:exchange',
      scope: 'exchange:account:read',
      account_id: 'acc_test',
    });
    expect(r.post).toEqual({ token_type: 'Bearer', expires_in: 900, scope: 'exchange:account:read exchange:orders:read', has_refresh_token: false });
    expect(r.bad_secret).toEqual({ raised: true, error: 'invalid_client' });
    expect(r.admin_get_key).toEqual({ status: 200, client_id: key.clientId });
    expect(r.introspect.status).toBe(200);
    expect(r.introspect.cache_control).toBe('no-store');
    expect(r.introspect.body).toMatchObject({
      active: true,
      client_id: key.clientId,
      sub: key.clientId,
      scope: 'exchange:account:read',
      aud: 'urn:wagmix:exchange',
      iss: t.baseUrl,
      token_type: 'Bearer',
      account_id: 'acc_test',
    });
    expect(r.revoke).toEqual({ status: 200 });
    expect(r.introspect_after_revoke).toEqual({ status: 200, body: { active: false } });
    expect(r.introspect_other).toEqual({ status: 200, active: true });
    expect(stdout).not.toContain(key.secret);
  });
});
