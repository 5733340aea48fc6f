/**
 * The example resource server (Wagmix Exchange stand-in) against the real
 * authorization server: tokens fetched with the client helper, validated
 * offline through the JWKS by TokenGuardModule.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { TokenClient } from '../../../clients/typescript/token-client';
import { createKey, request } from '../../../test/support/http';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { createResourceServer } from '../src/main';

describe('example resource server', () => {
  let auth: TestApp;
  let exchange: NestFastifyApplication;
  let exchangeUrl: string;
  let trader: TokenClient;
  let reader: TokenClient;

  beforeAll(async () => {
    auth = await startTestApp();
    exchange = await createResourceServer({ issuer: auth.baseUrl });
    await exchange.listen({ port: 0, host: '127.0.0.1' });
    exchangeUrl = `http://127.0.0.1:${(exchange.getHttpServer().address() as AddressInfo).port}`;
    const traderKey = await createKey(auth, { scopes: ['exchange:account:read', 'exchange:orders:write'], allowed_cidrs: ['127.0.0.0/8'], account_id: 'acc_trader' });
    const readerKey = await createKey(auth, { scopes: ['exchange:account:read', 'coin:wallets:read'], account_id: 'acc_reader' });
    const tokenUrl = `${auth.baseUrl}/oauth2/token`;
    trader = new TokenClient({ tokenUrl, clientId: traderKey.clientId, clientSecret: traderKey.secret, resource: 'urn:wagmix:exchange' });
    reader = new TokenClient({ tokenUrl, clientId: readerKey.clientId, clientSecret: readerKey.secret, resource: 'urn:wagmix:exchange' });
  });
  afterAll(async () => {
    await exchange.close();
    await auth.close();
  });

  const call = async (tokens: TokenClient | null, method: 'GET' | 'POST', path: string, body?: object) =>
    request(`${exchangeUrl}${path}`, {
      method,
      headers: {
        ...(tokens ? { authorization: `Bearer ${await tokens.getToken()}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('serves balances to a token with exchange:account:read, for the token’s account', async () => {
    const res = await call(reader, 'GET', '/v1/balances');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ account_id: 'acc_reader', balances: [{ asset: 'BTC', free: '0.5' }] });
  });

  it('accepts an order from a token with exchange:orders:write', async () => {
    const res = await call(trader, 'POST', '/v1/orders', { side: 'buy', qty: '0.1' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ account_id: 'acc_trader', accepted: true, order: { side: 'buy', qty: '0.1' } });
  });

  it('refuses an order from a token without exchange:orders:write with 403 insufficient_scope', async () => {
    const res = await call(reader, 'POST', '/v1/orders', { side: 'buy' });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-exchange", error="insufficient_scope", scope="exchange:orders:write"');
  });

  it('asks for a token when none is given, and refuses a token for another audience', async () => {
    const none = await call(null, 'GET', '/v1/balances');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-exchange"');
    const coinKey = await createKey(auth, { scopes: ['coin:wallets:read'] });
    const coin = new TokenClient({ tokenUrl: `${auth.baseUrl}/oauth2/token`, clientId: coinKey.clientId, clientSecret: coinKey.secret });
    const res = await call(coin, 'GET', '/v1/balances');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('keeps serving from its JWKS cache: many calls, one token request', async () => {
    for (let i = 0; i < 20; i++) expect((await call(reader, 'GET', '/v1/balances')).status).toBe(200);
  });
});
