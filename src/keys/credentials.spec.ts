import { crc32 } from 'node:zlib';
import {
  generateClientId,
  generateSecret,
  hasBadChecksum,
  isValidClientId,
  secretChecksum,
  SecretHasher,
} from './credentials';

describe('API key credentials', () => {
  it('generates client ids of the contract format, each different', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateClientId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^wgxk_[0-9A-Za-z]{22}$/);
    expect(isValidClientId([...ids][0] as string)).toBe(true);
  });

  it('generates secrets of 5 + 43 + 6 chars whose checksum is the base62 CRC-32 of the body', () => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret();
      expect(secret).toMatch(/^wgxs_[0-9A-Za-z]{49}$/);
      const body = secret.slice(5, 48);
      const expected = BigInt(crc32(Buffer.from(body, 'ascii')));
      let n = 0n;
      for (const c of secret.slice(48)) n = n * 62n + BigInt('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.indexOf(c));
      expect(n).toBe(expected);
      expect(hasBadChecksum(secret)).toBe(false);
    }
  });

  it('pads a small checksum with leading zeros', () => {
    // CRC-32 of the empty string is 0.
    expect(secretChecksum('')).toBe('000000');
  });

  it('refuses a wgxs_ secret with one character changed, truncated or extended', () => {
    const secret = generateSecret();
    const flipped = secret.slice(0, 10) + (secret[10] === 'a' ? 'b' : 'a') + secret.slice(11);
    expect(hasBadChecksum(flipped)).toBe(true);
    expect(hasBadChecksum(secret.slice(0, -1))).toBe(true);
    expect(hasBadChecksum(secret + 'x')).toBe(true);
  });

  it('does not judge secrets outside the wgxs_ format (operator-chosen bootstrap secrets)', () => {
    expect(hasBadChecksum('a-long-operator-chosen-bootstrap-secret-value')).toBe(false);
  });

  it('hashes with the pepper: same secret, different pepper, different hash', () => {
    const a = new SecretHasher('p'.repeat(32)).hash('wgxs_x');
    const b = new SecretHasher('q'.repeat(32)).hash('wgxs_x');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    expect(SecretHasher.matches(a, new SecretHasher('p'.repeat(32)).hash('wgxs_x'))).toBe(true);
    expect(SecretHasher.matches(a, b)).toBe(false);
  });
});
