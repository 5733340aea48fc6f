/**
 * API key credential formats (contract "Keys and secrets"):
 *   client_id  wgxk_ + 22 base62 chars (128 random bits)
 *   secret     wgxs_ + 43 base62 chars (256 random bits) + 6-char base62 CRC-32 of the body
 * The prefixes and checksum let secret scanners recognise a leaked secret, and
 * let us refuse a mistyped one before any lookup.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { base62Encode, base62FromBigInt } from '../common/crypto/base62';

const CLIENT_ID_RE = /^wgxk_[0-9A-Za-z]{22}$/;
const SECRET_RE = /^wgxs_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

export function isValidClientId(value: string): boolean {
  return CLIENT_ID_RE.test(value);
}

export function generateClientId(): string {
  return 'wgxk_' + base62Encode(randomBytes(16), 22);
}

export function secretChecksum(body: string): string {
  return base62FromBigInt(BigInt(crc32(Buffer.from(body, 'ascii'))), 6);
}

export function generateSecret(): string {
  const body = base62Encode(randomBytes(32), 43);
  return `wgxs_${body}${secretChecksum(body)}`;
}

/**
 * `true` when the value claims the wgxs_ format but its checksum is wrong (a
 * typo or a truncated copy). Other strings (such as a bootstrap admin secret
 * chosen by an operator) are not judged here.
 */
export function hasBadChecksum(secret: string): boolean {
  if (!secret.startsWith('wgxs_')) return false;
  const m = SECRET_RE.exec(secret);
  if (!m) return true;
  return secretChecksum(m[1] as string) !== m[2];
}

/** Secrets are stored only as HMAC-SHA-256(pepper, secret): a stolen table is useless without the pepper. */
export class SecretHasher {
  constructor(private readonly pepper: string) {}

  hash(secret: string): Buffer {
    return createHmac('sha256', this.pepper).update(secret, 'utf8').digest();
  }

  /** Constant-time comparison of a presented secret's hash with a stored hash. */
  static matches(presentedHash: Buffer, storedHash: Buffer): boolean {
    return presentedHash.length === storedHash.length && timingSafeEqual(presentedHash, storedHash);
  }
}
