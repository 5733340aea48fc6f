import { randomId128 } from './random-id';

describe('randomId128', () => {
  it('gives 22 base64url characters, 16 bytes, never the same id across pool refills', () => {
    const ids = Array.from({ length: 1000 }, randomId128);
    for (const id of ids) {
      expect(id).toMatch(/^[\w-]{22}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    // 1000 ids span four 256-id refills of the pool; a byte reused would repeat an id.
    expect(new Set(ids).size).toBe(1000);
  });
});
