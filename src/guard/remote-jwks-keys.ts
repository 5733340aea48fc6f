/**
 * Verification keys from a remote JWKS, for resource servers that validate
 * tokens offline. Keys are cached; an unknown `kid` triggers a refetch (at
 * most one in flight, and not more often than `minRefetchMs`), so a newly
 * published key is picked up without polling hard.
 */
import { Injectable, Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { VerificationKeys } from './guard-options';

export interface RemoteJwksOptions {
  readonly jwksUri: string;
  /** Minimum time between two fetches caused by unknown kids. Default 10 s. */
  readonly minRefetchMs?: number;
  /** Refresh even without unknown kids, to drop retired keys. Default 10 min. */
  readonly maxAgeMs?: number;
  readonly fetchTimeoutMs?: number;
}

export const REMOTE_JWKS_OPTIONS = Symbol('wagmix.remoteJwksOptions');

interface Jwk {
  kid?: unknown;
  kty?: unknown;
  crv?: unknown;
  x?: unknown;
  y?: unknown;
  use?: unknown;
}

@Injectable()
export class RemoteJwksKeys extends VerificationKeys {
  private readonly logger = new Logger(RemoteJwksKeys.name);
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(private readonly options: RemoteJwksOptions) {
    super();
  }

  async resolve(kid: string): Promise<KeyObject | undefined> {
    const now = Date.now();
    const stale = now - this.fetchedAt > (this.options.maxAgeMs ?? 600_000);
    const known = this.keys.get(kid);
    if (known && !stale) return known;
    if (stale || now - this.fetchedAt >= (this.options.minRefetchMs ?? 10_000)) await this.refetch();
    return this.keys.get(kid);
  }

  private refetch(): Promise<void> {
    this.inflight ??= this.fetchKeys()
      .catch((err: unknown) => this.logger.warn(`JWKS ${this.options.jwksUri} not fetched: ${String(err)}`))
      .finally(() => {
        this.fetchedAt = Date.now();
        this.inflight = null;
      });
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    const res = await fetch(this.options.jwksUri, { signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('no "keys" array');
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys as Jwk[]) {
      // Only what the verifier accepts: EC P-256 signing keys with a kid.
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      try {
        next.set(jwk.kid, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as never, format: 'jwk' }));
      } catch {
        this.logger.warn(`JWKS key ${jwk.kid} is malformed; skipped`);
      }
    }
    this.keys = next;
  }
}
