/**
 * The last word on a token issuance, said inside the transaction that
 * commits its `token.issued` event. Authentication read the key a moment
 * earlier; a revoke or rotation may have committed since. Here the key and
 * secret rows are read FOR SHARE, which waits for any revoke or rotation
 * holding them and then sees what it committed, and the issuance is refused
 * if the key is now revoked or expired or the secret no longer live. So once
 * a revoke has committed, no token of that key is issued after it.
 */
import { Injectable } from '@nestjs/common';
import type { TokenDeniedReason } from '../audit/audit-event';
import { Clock } from '../common/clock';
import type { Tx } from '../database/transactions';
import { KeySecretsRepository } from './key-secrets.repository';

export interface Issuance {
  readonly clientId: string;
  readonly secretId: string;
}

@Injectable()
export class IssuanceCheck {
  constructor(
    private readonly secrets: KeySecretsRepository,
    private readonly clock: Clock,
  ) {}

  /** For each issuance, in order: null to go ahead, or why it must be refused (as authentication would say it). */
  async refusals(tx: Tx, issuances: readonly Issuance[]): Promise<(TokenDeniedReason | null)[]> {
    const states = new Map((await this.secrets.lockForIssuance(tx, issuances.map((i) => i.secretId))).map((s) => [s.secretId, s]));
    const now = this.clock.now().getTime();
    const past = (d: Date | null) => d !== null && d.getTime() <= now;
    return issuances.map((i) => {
      const s = states.get(i.secretId);
      // Same order as authentication: the secret first, then the key.
      if (!s || s.secretRevokedAt || past(s.secretExpiresAt)) return 'bad_secret';
      if (s.keyRevokedAt) return 'key_revoked';
      if (past(s.keyExpiresAt)) return 'key_expired';
      return null;
    });
  }
}
