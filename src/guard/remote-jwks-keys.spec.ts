import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemoteJwksKeys } from './remote-jwks-keys';

const jwk = (kid: string) => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' });

describe('RemoteJwksKeys', () => {
  it('fetches once, serves from cache, and refetches when an unknown kid appears', async () => {
    let keys = [jwk('k1')];
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      const remote = new RemoteJwksKeys({ jwksUri, minRefetchMs: 0 });
      expect((await remote.resolve('k1'))?.asymmetricKeyType).toBe('ec');
      expect(await remote.resolve('k1')).toBeDefined();
      expect(fetches).toBe(1);

      keys = [jwk('k1'), jwk('k2')]; // a key published ahead of rotation
      expect(await remote.resolve('k2')).toBeDefined();
      expect(fetches).toBe(2);
      expect(await remote.resolve('nope')).toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('does not refetch for unknown kids more often than minRefetchMs', async () => {
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches++;
      res.end(JSON.stringify({ keys: [jwk('k1')] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const remote = new RemoteJwksKeys({ jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, minRefetchMs: 60_000 });
      for (let i = 0; i < 10; i++) await remote.resolve(`unknown-${i}`);
      expect(fetches).toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('skips keys the verifier could never use (RSA, other curves, encryption keys)', async () => {
    const rsa = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'rsa' };
    const enc = { ...jwk('enc'), use: 'enc' };
    const server = createServer((_req, res) => res.end(JSON.stringify({ keys: [rsa, enc, jwk('ok')] })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const remote = new RemoteJwksKeys({ jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, minRefetchMs: 60_000 });
      expect(await remote.resolve('ok')).toBeDefined();
      expect(await remote.resolve('rsa')).toBeUndefined();
      expect(await remote.resolve('enc')).toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
