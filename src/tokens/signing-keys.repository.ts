import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transactions';
import { SigningKeyEntity } from './signing-key.entity';

export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly publicJwk: Record<string, string>;
  readonly privateKeyEnc: string;
  readonly state: SigningKeyEntity['state'];
}

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises key generation across instances for the rest of `tx`. */
  async lockForGeneration(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wagmix-auth:signing-keys'))`);
  }

  async findActive(tx?: Tx): Promise<StoredSigningKey | null> {
    const repo = (tx ?? this.dataSource.manager).getRepository(SigningKeyEntity);
    return repo
      .createQueryBuilder('k')
      .addSelect('k.privateKeyEnc')
      .where('k.state = :state', { state: 'active' })
      .getOne();
  }

  /** Keys whose public part must stay published: the next, the active and those retired recently. */
  async findPublished(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({
      where: [{ state: 'next' }, { state: 'active' }, { state: 'retired' }],
      order: { createdAt: 'DESC' },
    });
  }

  async insert(tx: Tx, key: StoredSigningKey, now: Date): Promise<void> {
    await tx.getRepository(SigningKeyEntity).insert({
      ...key,
      createdAt: now,
      activatedAt: key.state === 'active' ? now : null,
    });
  }
}
