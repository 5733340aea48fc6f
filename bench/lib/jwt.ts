/**
 * "Verify both return a valid JWT before measuring": an ES256 token checked
 * against the server's own JWKS with node:crypto, as any resource server
 * would (kid found, signature, iss, exp), so neither side is measured while
 * answering errors or unsigned junk. No library: the check is a dozen lines
 * and the same for both servers.
 */
import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';

export interface VerifiedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

export async function verifyEs256(token: string, jwksUrl: string, issuer: string): Promise<VerifiedJwt> {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a JWS compact token');
  const header = decode(h);
  const payload = decode(p);
  if (header.alg !== 'ES256') throw new Error(`alg is ${String(header.alg)}, not ES256`);
  const jwks = (await (await fetch(jwksUrl, { signal: AbortSignal.timeout(5_000) })).json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${String(header.kid)} is not in ${jwksUrl}`);
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('signature does not verify');
  if (payload.iss !== issuer) throw new Error(`iss is ${String(payload.iss)}, expected ${issuer}`);
  if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) throw new Error('exp missing or past');
  if (typeof payload.jti !== 'string') throw new Error('no jti');
  return { header, payload };
}
