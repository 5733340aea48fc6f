import { InvalidScope, InvalidTarget } from '../common/errors/oauth-error';
import { buildScopeCatalog, DEFAULT_AUDIENCES } from '../config/scope-catalog';
import { decideGrant } from './scope-request';

const catalog = buildScopeCatalog(DEFAULT_AUDIENCES);
const keyScopes = ['exchange:account:read', 'exchange:orders:read', 'coin:wallets:read'];

describe('decideGrant', () => {
  it('defaults to every scope of the key, with every audience they need', () => {
    expect(decideGrant(catalog, keyScopes, undefined, undefined)).toEqual({
      scopes: keyScopes,
      aud: ['urn:wagmix:coin', 'urn:wagmix:exchange'],
    });
  });

  it('narrows to what was asked, with a single audience as a string', () => {
    expect(decideGrant(catalog, keyScopes, 'exchange:orders:read', undefined)).toEqual({
      scopes: ['exchange:orders:read'],
      aud: 'urn:wagmix:exchange',
    });
  });

  it('treats an empty scope parameter as absent and folds repeated scopes', () => {
    expect(decideGrant(catalog, keyScopes, '  ', undefined).scopes).toEqual(keyScopes);
    expect(decideGrant(catalog, keyScopes, 'coin:wallets:read  coin:wallets:read', undefined).scopes).toEqual(['coin:wallets:read']);
  });

  it('refuses a scope the key does not hold, an unknown scope and a malformed one', () => {
    expect(() => decideGrant(catalog, keyScopes, 'coin:withdrawals:write', undefined)).toThrow(InvalidScope);
    expect(() => decideGrant(catalog, keyScopes, 'nope:nothing', undefined)).toThrow(InvalidScope);
    expect(() => decideGrant(catalog, keyScopes, 'exchange:account:read "x"', undefined)).toThrow(InvalidScope);
  });

  it('narrows the default scopes and the audience to the resource (RFC 8707)', () => {
    expect(decideGrant(catalog, keyScopes, undefined, 'urn:wagmix:coin')).toEqual({ scopes: ['coin:wallets:read'], aud: 'urn:wagmix:coin' });
  });

  it('answers invalid_target for an unknown, malformed or unusable resource', () => {
    expect(() => decideGrant(catalog, keyScopes, undefined, 'urn:wagmix:nowhere')).toThrow(InvalidTarget);
    expect(() => decideGrant(catalog, keyScopes, undefined, 'not a uri')).toThrow(InvalidTarget);
    expect(() => decideGrant(catalog, keyScopes, undefined, 'urn:wagmix:admin')).toThrow(InvalidTarget);
  });

  it('refuses a requested scope that is not for the requested resource', () => {
    expect(() => decideGrant(catalog, keyScopes, 'coin:wallets:read', 'urn:wagmix:exchange')).toThrow(InvalidScope);
  });
});
