import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transactions';
import { ApiKeySecretEntity } from './api-key-secret.entity';
import { ApiKeyEntity } from './api-key.entity';

/** A key with every secret's hash: what client authentication needs, in one query. */
export interface KeyForAuth {
  readonly key: ApiKeyEntity;
  readonly secrets: readonly { readonly id: string; readonly hash: Buffer; readonly expiresAt: Date | null; readonly revokedAt: Date | null }[];
}

export type NewKey = Omit<ApiKeyEntity, 'createdAt' | 'revokedAt' | 'revokedReason' | 'lastUsedAt' | 'lastUsedIp' | 'secrets'>;

@Injectable()
export class KeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findForAuth(clientId: string): Promise<KeyForAuth | null> {
    const key = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .leftJoinAndSelect('k.secrets', 's')
      .addSelect('s.secretHash')
      .where('k.clientId = :clientId', { clientId })
      .getOne();
    if (!key) return null;
    const secrets = (key.secrets ?? []).map((s) => ({ id: s.id, hash: s.secretHash, expiresAt: s.expiresAt, revokedAt: s.revokedAt }));
    return { key, secrets };
  }

  async findWithSecrets(clientId: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOne({
      where: { clientId },
      relations: { secrets: true },
      order: { secrets: { createdAt: 'ASC' } },
    });
  }

  async exists(clientId: string, tx?: Tx): Promise<boolean> {
    return (tx ?? this.dataSource.manager).getRepository(ApiKeyEntity).exists({ where: { clientId } });
  }

  async isEmpty(): Promise<boolean> {
    return !(await this.dataSource.getRepository(ApiKeyEntity).exists({}));
  }

  /** Serialises start-up bootstrap across instances for the rest of `tx`. */
  async lockForBootstrap(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wagmix-auth:bootstrap'))`);
  }

  /** Inserts the key and its first secret; returns the secret's id. */
  async insert(tx: Tx, key: NewKey, secretHash: Buffer, now: Date): Promise<{ secretId: string; createdAt: Date }> {
    await tx.getRepository(ApiKeyEntity).insert({ ...key, createdAt: now });
    const secret = tx.getRepository(ApiKeySecretEntity).create({ clientId: key.clientId, secretHash, createdAt: now });
    await tx.getRepository(ApiKeySecretEntity).insert(secret);
    return { secretId: secret.id, createdAt: now };
  }
}
