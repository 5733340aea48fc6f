import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenClient, TokenRequestError } from './token-client';

/** A tiny token endpoint on loopback whose answers each test scripts. */
async function tokenServer(answer: (n: number, req: IncomingMessage, body: string) => { status: number; body: object; headers?: Record<string, string> }) {
  let calls = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const a = answer(++calls, req, body);
      setTimeout(() => {
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(JSON.stringify(a.body));
      }, 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  return { url, calls: () => calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('TokenClient', () => {
  it('sends client_secret_basic with scope and resource, and caches the token', async () => {
    let seen: { auth?: string; body?: string } = {};
    const s = await tokenServer((_n, req, body) => {
      seen = { auth: req.headers.authorization, body };
      return { status: 200, body: { access_token: 'tok1', token_type: 'Bearer', expires_in: 900 } };
    });
    try {
      const c = new TokenClient({ tokenUrl: s.url, clientId: 'wgxk_a', clientSecret: 'wgxs_b', scope: 'x:y', resource: 'urn:wagmix:exchange' });
      expect(await c.getToken()).toBe('tok1');
      expect(await c.getToken()).toBe('tok1');
      expect(s.calls()).toBe(1);
      expect(seen.auth).toBe(`Basic ${Buffer.from('wgxk_a:wgxs_b').toString('base64')}`);
      expect(new URLSearchParams(seen.body)).toEqual(new URLSearchParams('grant_type=client_credentials&scope=x%3Ay&resource=urn%3Awagmix%3Aexchange'));
    } finally {
      await s.close();
    }
  });

  it('makes one request however many callers wait', async () => {
    const s = await tokenServer(() => ({ status: 200, body: { access_token: 'shared', expires_in: 900 } }));
    try {
      const c = new TokenClient({ tokenUrl: s.url, clientId: 'a', clientSecret: 'b' });
      const tokens = await Promise.all(Array.from({ length: 50 }, () => c.getToken()));
      expect(new Set(tokens)).toEqual(new Set(['shared']));
      expect(s.calls()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('refreshes shortly before expiry', async () => {
    let clock = 1_000_000;
    const s = await tokenServer((n) => ({ status: 200, body: { access_token: `tok${n}`, expires_in: 100 } }));
    try {
      const c = new TokenClient({ tokenUrl: s.url, clientId: 'a', clientSecret: 'b', now: () => clock });
      expect(await c.getToken()).toBe('tok1');
      clock += 89_000; // 10 s of 100 s lifetime left: still before the refresh point (10 %)
      expect(await c.getToken()).toBe('tok1');
      clock += 2_000;
      expect(await c.getToken()).toBe('tok2');
    } finally {
      await s.close();
    }
  });

  it('retries a 503 with back-off, honouring Retry-After', async () => {
    const s = await tokenServer((n) =>
      n < 3 ? { status: 503, body: { error: 'temporarily_unavailable' }, headers: { 'retry-after': '0' } } : { status: 200, body: { access_token: 'late', expires_in: 60 } },
    );
    try {
      const c = new TokenClient({ tokenUrl: s.url, clientId: 'a', clientSecret: 'b', backoffMs: 10 });
      expect(await c.getToken()).toBe('late');
      expect(s.calls()).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('does not retry invalid_client and reports the OAuth error', async () => {
    const s = await tokenServer(() => ({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }));
    try {
      const c = new TokenClient({ tokenUrl: s.url, clientId: 'a', clientSecret: 'b', backoffMs: 10 });
      await expect(c.getToken()).rejects.toEqual(new TokenRequestError(401, 'invalid_client', 'Client authentication failed'));
      expect(s.calls()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('gives up after maxRetries', async () => {
    const s = await tokenServer(() => ({ status: 503, body: { error: 'temporarily_unavailable' } }));
    try {
      const c = new TokenClient({ tokenUrl: s.url, clientId: 'a', clientSecret: 'b', backoffMs: 5, maxRetries: 2 });
      await expect(c.getToken()).rejects.toMatchObject({ status: 503, error: 'temporarily_unavailable' });
      expect(s.calls()).toBe(3);
    } finally {
      await s.close();
    }
  });
});
