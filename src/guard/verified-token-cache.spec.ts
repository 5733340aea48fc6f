import type { Principal } from './principal';
import { VerifiedTokenCache } from './verified-token-cache';

const principal = (expiresAt: number): Principal => ({
  clientId: 'c',
  accountId: null,
  scopes: new Set(['s']),
  jti: 'j',
  audience: ['a'],
  issuedAt: 0,
  expiresAt,
  secretId: null,
  allowedCidrs: [],
  claims: {},
});

describe('VerifiedTokenCache', () => {
  it('returns a cached principal until the token expires (plus skew)', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t', principal(100));
    expect(cache.get('t', 99, 0)?.clientId).toBe('c');
    expect(cache.get('t', 102, 5)?.clientId).toBe('c');
    expect(cache.get('t', 105, 5)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within its capacity, dropping the oldest entry', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', principal(100));
    cache.set('b', principal(100));
    cache.set('c', principal(100));
    expect(cache.size).toBe(2);
    expect(cache.get('a', 0, 0)).toBeUndefined();
    expect(cache.get('c', 0, 0)).toBeDefined();
  });

  it('caches nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', principal(100));
    expect(cache.get('a', 0, 0)).toBeUndefined();
  });
});
