/**
 * Secret rotation with overlap. A new secret is issued and the current one
 * keeps working for `grace_seconds`, so a client can roll out the new secret
 * without downtime. At most two secrets are live per key: rotating while an
 * older secret is still in its grace ends that one now. `grace_seconds: 0`
 * is compromise mode: every previous secret stops at once and every token
 * minted with one is revoked. The key row is locked FOR UPDATE for the whole
 * transaction, so simultaneous rotations run one after the other, and token
 * issuance is held off before the clock is read, so no token minted with an
 * ended secret commits after the rotation (see AuditService.holdOffAppends).
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Problem } from '../common/errors/problem';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { RevocationsService } from '../tokens/revocations.service';
import { generateSecret, SecretHasher } from './credentials';
import { type Actor, keyEvent } from './key-events';
import { assertChangeable } from './key-updates.service';
import type { KeyView } from './key-view';
import { KeySecretsRepository } from './key-secrets.repository';
import { KeysRepository } from './keys.repository';
import { KeysService } from './keys.service';

export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 604_800;

@Injectable()
export class KeyRotationService {
  private readonly hasher: SecretHasher;

  constructor(
    private readonly keysRepository: KeysRepository,
    private readonly secrets: KeySecretsRepository,
    private readonly keys: KeysService,
    private readonly revocations: RevocationsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.hasher = new SecretHasher(config.secretPepper);
  }

  async rotate(clientId: string, graceSeconds: number, actor: Actor): Promise<{ key: KeyView; clientSecret: string }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS)
      throw Problem.badRequest(`grace_seconds: must be a whole number from 0 to ${MAX_GRACE_SECONDS}`, {
        errors: [{ field: 'grace_seconds', message: `must be a whole number from 0 to ${MAX_GRACE_SECONDS}` }],
      });
    const secret = generateSecret();
    await this.transactions.run(async (tx) => {
      const key = await this.keysRepository.lockKey(tx, clientId);
      if (!key) throw Problem.notFound(`No API key ${clientId}`);
      await this.audit.holdOffAppends(tx);
      // Read under the lock: a rotation that committed while we waited is seen here.
      const now = this.clock.now();
      assertChangeable(key, now);
      const live = await this.secrets.findLive(tx, clientId, now);
      const current = live[live.length - 1];
      const older = live.slice(0, -1).map((s) => s.id);

      let currentExpiresAt: Date | null = null;
      if (graceSeconds === 0) {
        const ended = live.map((s) => s.id);
        await this.secrets.end(tx, ended, now, true);
        for (const id of ended) await this.revocations.revokeSecret(tx, id, 'secret rotated with grace_seconds 0');
        currentExpiresAt = now;
      } else {
        // The secret already in its grace gives way, so at most two stay live.
        await this.secrets.end(tx, older, now, false);
        if (current) {
          const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
          currentExpiresAt = current.expiresAt && current.expiresAt < graceEnd ? current.expiresAt : graceEnd;
          await this.secrets.setExpiry(tx, current.id, currentExpiresAt);
        }
      }
      const newSecretId = await this.secrets.insert(tx, clientId, this.hasher.hash(secret), now);
      await this.audit.recordIn(
        tx,
        keyEvent('key.secret_rotated', actor, key, {
          new_secret_id: newSecretId,
          old_secret_id: current?.id ?? null,
          grace_seconds: graceSeconds,
          old_secret_expires_at: currentExpiresAt?.toISOString() ?? null,
          ended_secret_ids: graceSeconds === 0 ? live.map((s) => s.id) : older,
          tokens_revoked: graceSeconds === 0,
        }),
      );
    });
    return { key: await this.keys.get(clientId), clientSecret: secret };
  }
}
