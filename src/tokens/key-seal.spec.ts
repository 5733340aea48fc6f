import { KeySeal } from './key-seal';

describe('KeySeal', () => {
  const seal = new KeySeal('k'.repeat(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = seal.seal(Buffer.from('private key bytes'), 'kid-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('private');
    expect(seal.open(sealed, 'kid-1').toString()).toBe('private key bytes');
  });

  it('refuses to open with another encryption key or for another kid', () => {
    const sealed = seal.seal(Buffer.from('x'), 'kid-1');
    expect(() => new KeySeal('z'.repeat(32)).open(sealed, 'kid-1')).toThrow();
    expect(() => seal.open(sealed, 'kid-2')).toThrow();
  });
});
