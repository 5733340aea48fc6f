import { RevocationState } from './revocation-state';

const token = (over: Partial<{ jti: string; clientId: string; secretId: string | null; issuedAt: number }> = {}) => ({
  jti: 'j1',
  clientId: 'c1',
  secretId: 's1',
  issuedAt: 1000,
  ...over,
});

describe('RevocationState', () => {
  it('revokes one token by jti and nothing else', () => {
    const s = new RevocationState();
    s.apply({ kind: 'token', subject: 'j1', revokedAt: 1_000_500, expiresAt: 2_000_000 });
    expect(s.isRevoked(token())).toBe(true);
    expect(s.isRevoked(token({ jti: 'j2' }))).toBe(false);
  });

  it('revokes every token of a key issued at or before the instant, not those after', () => {
    const s = new RevocationState();
    s.apply({ kind: 'key', subject: 'c1', revokedAt: 1_000_000, expiresAt: 5_000_000 });
    expect(s.isRevoked(token({ issuedAt: 999 }))).toBe(true);
    expect(s.isRevoked(token({ issuedAt: 1000 }))).toBe(true);
    expect(s.isRevoked(token({ issuedAt: 1001 }))).toBe(false);
    expect(s.isRevoked(token({ clientId: 'c2' }))).toBe(false);
  });

  it('revokes the tokens of one secret only', () => {
    const s = new RevocationState();
    s.apply({ kind: 'secret', subject: 's1', revokedAt: 1_000_000, expiresAt: 5_000_000 });
    expect(s.isRevoked(token())).toBe(true);
    expect(s.isRevoked(token({ secretId: 's2' }))).toBe(false);
    expect(s.isRevoked(token({ secretId: null }))).toBe(false);
  });

  it('keeps the latest instant when a key is revoked twice, whatever the arrival order', () => {
    const s = new RevocationState();
    s.apply({ kind: 'key', subject: 'c1', revokedAt: 2_000_000, expiresAt: 9_000_000 });
    s.apply({ kind: 'key', subject: 'c1', revokedAt: 1_000_000, expiresAt: 8_000_000 });
    expect(s.isRevoked(token({ issuedAt: 1500 }))).toBe(true);
  });

  it('forgets entries once every token they could match has expired', () => {
    const s = new RevocationState();
    s.apply({ kind: 'token', subject: 'j1', revokedAt: 1, expiresAt: 100 });
    s.apply({ kind: 'key', subject: 'c1', revokedAt: 1, expiresAt: 200 });
    s.prune(150);
    expect(s.size).toBe(1);
    s.prune(250);
    expect(s.size).toBe(0);
  });

  it('replaceAll rebuilds from scratch', () => {
    const s = new RevocationState();
    s.apply({ kind: 'token', subject: 'old', revokedAt: 1, expiresAt: 1e15 });
    s.replaceAll([{ kind: 'token', subject: 'j1', revokedAt: 1, expiresAt: 1e15 }]);
    expect(s.isRevoked(token({ jti: 'old' }))).toBe(false);
    expect(s.isRevoked(token())).toBe(true);
  });

  it('answers in constant time whatever the number of revoked tokens', () => {
    const s = new RevocationState();
    s.replaceAll(Array.from({ length: 100_000 }, (_, i) => ({ kind: 'token' as const, subject: `j${i}`, revokedAt: 1, expiresAt: 1e15 })));
    expect(s.size).toBe(100_000);
    expect(s.isRevoked(token({ jti: 'j99999' }))).toBe(true);
    expect(s.isRevoked(token({ jti: 'nope' }))).toBe(false);
  });
});
