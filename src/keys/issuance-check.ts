/**
 * The last word on a token issuance, said inside the transaction that
 * commits its `token.issued` event. Authentication read the key a moment
 * earlier; a revoke or rotation may have committed since.
 *
 * Issuance and key changes are put in order by the audit chain-head lock,
 * not by row locks on the key: the issuance batch takes that lock before it
 * reads key state here, and a revoke or rotation takes it (holdOff) before it
 * reads the clock or writes. So a revoke either holds the lock first, and the
 * batch, waiting, then reads what it committed and refuses the token; or the
 * batch holds it first, and the revoke waits for the token.issued commit, so
 * its cutoff time is later than the token's `iat` and the token is among those
 * it revokes. Either way no token.issued follows a key.revoked in the chain.
 */
import { Injectable } from '@nestjs/common';
import type { TokenDeniedReason } from '../audit/audit-event';
import { Clock } from '../common/clock';
import type { Sql, Tx } from '../database/transactions';
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

  /**
   * For each issuance, in order: null to go ahead, or why it must be refused
   * (as authentication would say it). `sql` must hold the chain-head lock.
   */
  async refusals(sql: Sql, issuances: readonly Issuance[]): Promise<(TokenDeniedReason | null)[]> {
    const states = new Map((await this.secrets.readForIssuance(sql, issuances.map((i) => i.secretId))).map((s) => [s.secretId, s]));
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

  /**
   * Makes token issuance wait for `tx`, on every instance, until it ends. A
   * change that cuts off a key's or secret's tokens calls this after locking
   * the key row (the order every key change takes its locks in) and before
   * reading the clock for its cutoff.
   */
  holdOff(tx: Tx): Promise<void> {
    return this.secrets.holdOffIssuance(tx);
  }
}
