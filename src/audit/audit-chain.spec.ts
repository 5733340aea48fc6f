import { canonicalJson, chainHash, GENESIS_HASH } from './audit-chain';

const event = {
  id: '1',
  occurred_at: '2026-12-03T10:00:00.000Z',
  type: 'key.created',
  outcome: 'success',
  actor: { client_id: 'wgxk_a', ip: '127.0.0.1', user_agent: 'curl' },
  subject: { client_id: 'wgxk_b', account_id: 'acc', jti: null },
  reason: null,
  request_id: 'r1',
  data: { scopes: ['a', 'b'], nested: { z: 1, a: 2 } },
};

describe('audit hash chain', () => {
  it('canonical JSON sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('does not depend on the order keys were written in (as jsonb returns them)', () => {
    const reordered = { ...event, data: { nested: { a: 2, z: 1 }, scopes: ['a', 'b'] } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, event));
  });

  it('changes when any field or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, event);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...event, outcome: 'failure' })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, actor: { ...event.actor, ip: '10.0.0.1' } })).not.toBe(base);
    expect(chainHash('1'.repeat(64), event)).not.toBe(base);
  });
});
