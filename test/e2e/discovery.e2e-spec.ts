/**
 * What platform teams and OAuth libraries rely on: RFC 8414 metadata at both
 * well-known paths, an RFC 7517 JWK Set with public keys only, and a real
 * client library (openid-client) getting a token that jose verifies through
 * the JWKS, with nothing adapted for us.
 */
import * as oauth from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { sql } from '../support/db-query';
import { createKey, request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('discovery, JWKS and a real OAuth client', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves the same RFC 8414 metadata at both well-known paths', async () => {
    const a = await request(`${t.baseUrl}/.well-known/oauth-authorization-server`);
    const b = await request(`${t.baseUrl}/.well-known/openid-configuration`);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(a.body).toMatchObject({
      issuer: t.baseUrl,
      token_endpoint: `${t.baseUrl}/oauth2/token`,
      jwks_uri: `${t.baseUrl}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: [],
    });
    expect(a.body.scopes_supported).toEqual(expect.arrayContaining(['exchange:orders:write', 'coin:withdrawals:write', 'admin:audit:read']));
  });

  it('publishes public keys only, each with kid, alg and use', async () => {
    const res = await request<{ keys: Record<string, unknown>[] }>(`${t.baseUrl}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of res.body.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(typeof k.kid).toBe('string');
      expect(k).not.toHaveProperty('d');
    }
  });

  it('stores the private signing key encrypted: no PEM, no JWK d in the database', async () => {
    const rows = await sql<{ private_key_enc: string; public_jwk: Record<string, unknown> }>(t.db.url, 'SELECT private_key_enc, public_jwk FROM signing_keys');
    expect(rows.length).toBe(1);
    expect(rows[0]?.private_key_enc).toMatch(/^v1\./);
    expect(rows[0]?.private_key_enc).not.toContain('PRIVATE KEY');
    expect(rows[0]?.public_jwk).not.toHaveProperty('d');
  });

  it('openid-client discovers the server, gets a token by client credentials, and jose verifies it through the JWKS', async () => {
    const key = await createKey(t, { scopes: ['exchange:account:read', 'exchange:orders:read'] });
    const config = await oauth.discovery(new URL(t.baseUrl), key.clientId, key.secret, oauth.ClientSecretBasic(key.secret), {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
    });
    const tokens = await oauth.clientCredentialsGrant(config, { scope: 'exchange:account:read' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.scope).toBe('exchange:account:read');
    expect(tokens.refresh_token).toBeUndefined();

    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: t.baseUrl,
      audience: 'urn:wagmix:exchange',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ sub: key.clientId, client_id: key.clientId, scope: 'exchange:account:read', account_id: 'acc_test' });
  });

  it('openid-client works with client_secret_post too', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const config = await oauth.discovery(new URL(t.baseUrl), key.clientId, key.secret, oauth.ClientSecretPost(key.secret), {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
    });
    const tokens = await oauth.clientCredentialsGrant(config, { resource: 'urn:wagmix:coin' });
    expect(tokens.scope).toBe('coin:wallets:read');
  });

  it('surfaces our errors to openid-client as RFC 6749 errors', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const config = await oauth.discovery(new URL(t.baseUrl), key.clientId, key.secret, undefined, {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
    });
    await expect(oauth.clientCredentialsGrant(config, { scope: 'coin:withdrawals:write' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });
});
