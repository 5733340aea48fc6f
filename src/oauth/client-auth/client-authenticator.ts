/**
 * Authenticates an API key's client_id and secret. Every failure is the same
 * InvalidClient on the wire; the true reason, decided in the contract's order
 * (unknown_client, bad_secret, key_revoked/key_expired, ip_not_allowed), goes
 * to the audit log. An unknown client costs the same HMAC and comparison as a
 * known one, so timing does not tell them apart either.
 */
import { Injectable, Logger } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InvalidClient } from '../../common/errors/oauth-error';
import { blockListHas, buildBlockList, type RequestContext } from '../../common/http/request-context';
import { AppConfig } from '../../config/app-config';
import { hasBadChecksum, isValidClientId, SecretHasher } from '../../keys/credentials';
import { KeyExpiryService } from '../../keys/key-expiry.service';
import { KeyAuthCache } from '../../keys/key-auth-cache';
import { LastUsedTracker } from '../../keys/last-used.tracker';

export interface AuthenticatedClient {
  readonly clientId: string;
  readonly accountId: string | null;
  readonly scopes: readonly string[];
  readonly allowedCidrs: readonly string[];
  readonly tokenTtlSeconds: number;
  readonly secretId: string;
}

export const REALM = 'wagmix-auth';
const DUMMY_HASH = Buffer.alloc(32);

@Injectable()
export class ClientAuthenticator {
  private readonly hasher: SecretHasher;
  private readonly logger = new Logger(ClientAuthenticator.name);

  constructor(
    private readonly keys: KeyAuthCache,
    private readonly clock: Clock,
    private readonly expiry: KeyExpiryService,
    private readonly lastUsed: LastUsedTracker,
    config: AppConfig,
  ) {
    this.hasher = new SecretHasher(config.secretPepper);
  }

  async authenticate(clientId: string, secret: string, ctx: RequestContext): Promise<AuthenticatedClient> {
    const fail = (reason: ConstructorParameters<typeof InvalidClient>[0]) => new InvalidClient(reason, clientId, REALM);
    const presented = this.hasher.hash(secret);
    if (hasBadChecksum(secret)) throw fail('bad_secret');
    const found = isValidClientId(clientId) ? await this.keys.find(clientId) : null;
    if (!found) {
      timingSafeEqual(presented, DUMMY_HASH);
      throw fail('unknown_client');
    }
    const now = this.clock.now().getTime();
    // Compare against every stored secret without stopping early; only live ones count.
    let matched: (typeof found.secrets)[number] | null = null;
    for (const s of found.secrets) {
      const equal = SecretHasher.matches(presented, s.hash);
      const live = !s.revokedAt && (!s.expiresAt || s.expiresAt.getTime() > now);
      if (equal && live) matched = s;
    }
    if (matched === null) throw fail('bad_secret');
    const { key } = found;
    if (key.revokedAt) throw fail('key_revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= now) {
      if (!key.expiredEventAt) await this.recordExpiry(key.clientId, ctx.requestId);
      throw fail('key_expired');
    }
    if (key.allowedCidrs.length > 0 && !blockListHas(buildBlockList(key.allowedCidrs), ctx.ip)) throw fail('ip_not_allowed');
    this.lastUsed.note({ clientId: key.clientId, secretId: matched.id, ip: ctx.ip, keyLastUsedAt: key.lastUsedAt, secretLastUsedAt: matched.lastUsedAt });
    return {
      clientId: key.clientId,
      accountId: key.accountId,
      scopes: key.scopes,
      allowedCidrs: key.allowedCidrs,
      tokenTtlSeconds: key.tokenTtlSeconds,
      secretId: matched.id,
    };
  }

  /** The first request to meet an expired key records `key.expired` (once, whoever is first); the answer is invalid_client either way. */
  private async recordExpiry(clientId: string, requestId: string): Promise<void> {
    try {
      await this.expiry.recordOnce(clientId);
    } catch (err) {
      this.logger.warn({ request_id: requestId }, `key.expired for ${clientId} not recorded now (the sweep will): ${String(err)}`);
    }
  }
}
