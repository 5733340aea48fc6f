/** ES256 key generation, sealing and the RFC 7638 thumbprint used as kid. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { KeySeal } from './key-seal';
import type { StoredSigningKey } from './signing-keys.repository';

export const SIGNING_ALG = 'ES256';

export function newSigningKey(seal: KeySeal, state: 'next' | 'active', activatesAt: Date): StoredSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
  const kid = thumbprint(jwk);
  return {
    kid,
    alg: SIGNING_ALG,
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    privateKeyEnc: seal.seal(privateKey.export({ format: 'der', type: 'pkcs8' }), kid),
    state,
    activatesAt,
  };
}

/** RFC 7638 JWK thumbprint of an EC public key: a kid every party can recompute. */
export function thumbprint(jwk: { kty: string; crv: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
