/**
 * Revoking a key: it stops authenticating and every token it has outstanding
 * is revoked (RevocationsService.revokeKey), with the `key.revoked` event, in
 * one transaction under the key's row lock. A token issuance racing the
 * revoke either commits before it (and its token is among those revoked) or
 * waits for it and is refused: the revoke holds issuance off before it reads
 * the clock (see AuditService.holdOffAppends). Revoking a revoked key is
 * a 409: the first revocation, its time and reason stand.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Problem } from '../common/errors/problem';
import { Transactions } from '../database/transactions';
import { RevocationsService } from '../tokens/revocations.service';
import { type Actor, keyEvent } from './key-events';
import type { KeyView } from './key-view';
import { KeysRepository } from './keys.repository';
import { KeysService } from './keys.service';

@Injectable()
export class KeyRevocationService {
  constructor(
    private readonly repository: KeysRepository,
    private readonly keys: KeysService,
    private readonly revocations: RevocationsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async revoke(clientId: string, reason: string | null, actor: Actor): Promise<KeyView> {
    await this.transactions.run(async (tx) => {
      const key = await this.repository.lockKey(tx, clientId);
      if (!key) throw Problem.notFound(`No API key ${clientId}`);
      if (key.revokedAt) throw Problem.conflict(`API key ${clientId} was already revoked at ${key.revokedAt.toISOString()}`);
      await this.audit.holdOffAppends(tx);
      const now = this.clock.now();
      await this.repository.update(tx, clientId, { revokedAt: now, revokedReason: reason });
      await this.revocations.revokeKey(tx, clientId, reason);
      await this.audit.recordIn(tx, keyEvent('key.revoked', actor, key, { reason, revoked_at: now.toISOString() }, reason));
    });
    return this.keys.get(clientId);
  }
}
