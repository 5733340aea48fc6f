import { Problem } from '../common/errors/problem';
import { decodeKeyCursor, encodeKeyCursor } from './key-cursor';

describe('key list cursor', () => {
  it('round-trips a client_id without showing it', () => {
    const cursor = encodeKeyCursor('wgxk_4gbtQtEQhiOVJwHLZCxvT4');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('wgxk_');
    expect(decodeKeyCursor(cursor)).toBe('wgxk_4gbtQtEQhiOVJwHLZCxvT4');
  });

  it.each(['', 'not a cursor', 'x'.repeat(65), Buffer.from('k1:wgxk_short').toString('base64url'), Buffer.from('k2:wgxk_4gbtQtEQhiOVJwHLZCxvT4').toString('base64url')])(
    'refuses %j with a 400 problem naming cursor',
    (cursor) => {
      expect(() => decodeKeyCursor(cursor)).toThrow(Problem);
      try {
        decodeKeyCursor(cursor);
      } catch (err) {
        expect((err as Problem).status).toBe(400);
        expect((err as Problem).extensions.errors).toEqual([{ field: 'cursor', message: 'not a cursor this API returned' }]);
      }
    },
  );
});
