import { buildScopeCatalog, DEFAULT_AUDIENCES } from '../config/scope-catalog';
import { isWriteScope, KeyPolicy } from './key-policy';

const DAY = 86_400_000;
const policy = (over: Partial<ConstructorParameters<typeof KeyPolicy>[0]> = {}) =>
  new KeyPolicy({ scopes: buildScopeCatalog(DEFAULT_AUDIENCES), keyDefaultLifetimeDays: 90, keyMaxLifetimeDays: 365, requireAllowlistForWriteScopes: true, ...over });

describe('KeyPolicy', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  it('names each unknown scope, admin scope on an account key and account scope on an admin key', () => {
    expect(policy().scopeErrors('acc', ['coin:wallets:read', 'coin:everything', 'admin:keys:read']).map((e) => e.field)).toEqual(['scopes.1', 'scopes.2']);
    expect(policy().scopeErrors(null, ['admin:keys:read', 'coin:wallets:read']).map((e) => e.field)).toEqual(['scopes.1']);
    expect(policy().scopeErrors(null, ['admin:keys:read', 'admin:audit:read'])).toEqual([]);
  });

  it('requires an allow-list for the three money-moving scopes only, unless switched off', () => {
    for (const s of ['exchange:orders:write', 'coin:transfers:write', 'coin:withdrawals:write'])
      expect(policy().allowlistErrors([s], []).map((e) => e.field)).toEqual(['allowed_cidrs']);
    expect(policy().allowlistErrors(['coin:deposits:write', 'exchange:orders:cancel'], [])).toEqual([]);
    expect(policy().allowlistErrors(['coin:withdrawals:write'], ['10.0.0.0/8'])).toEqual([]);
    expect(policy({ requireAllowlistForWriteScopes: false }).allowlistErrors(['coin:withdrawals:write'], [])).toEqual([]);
  });

  it('accepts an expiry after now and up to the maximum, inclusive', () => {
    expect(policy().expiryErrors(new Date(now.getTime() + 365 * DAY), now)).toEqual([]);
    expect(policy().expiryErrors(new Date(now.getTime() + 365 * DAY + 1), now)[0]?.message).toBe('must be at most 365 days from now (2027-12-03T12:00:00.000Z)');
    expect(policy().expiryErrors(now, now)[0]?.message).toBe('must be in the future');
    expect(policy().defaultExpiry(now).toISOString()).toBe('2027-03-03T12:00:00.000Z');
  });

  it('counts a scope as write when its last segment is "write"', () => {
    expect(['exchange:orders:write', 'coin:withdrawals:write', 'coin:deposits:write', 'admin:keys:write'].every(isWriteScope)).toBe(true);
    expect(['exchange:orders:cancel', 'coin:wallets:read', 'exchange:writer:read', 'x:write:read'].some(isWriteScope)).toBe(false);
  });
});
