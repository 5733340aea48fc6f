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
  readonly activatesAt: Date;
}

export type SigningKeyRow = Omit<SigningKeyEntity, 'privateKeyEnc'> & { privateKeyEnc: string };

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises key generation and rotation across instances for the rest of `tx`. */
  async lockForRotation(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wagmix-auth:signing-keys'))`);
  }

  /** Every key that may sign or must stay published: next, active, and retired since `retiredSince`. */
  async findLive(retiredSince: Date): Promise<SigningKeyRow[]> {
    return this.dataSource
      .getRepository(SigningKeyEntity)
      .createQueryBuilder('k')
      .addSelect('k.privateKeyEnc')
      .where(`k.state IN ('next', 'active') OR (k.state = 'retired' AND k.retiredAt > :since)`, { since: retiredSince })
      .orderBy('k.activatesAt', 'DESC')
      .getMany() as Promise<SigningKeyRow[]>;
  }

  async findAll(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({ order: { activatesAt: 'DESC' } });
  }

  async findByState(tx: Tx, state: SigningKeyEntity['state']): Promise<SigningKeyEntity | null> {
    return tx.getRepository(SigningKeyEntity).findOne({ where: { state } });
  }

  async insert(tx: Tx, key: StoredSigningKey, now: Date): Promise<void> {
    await tx.getRepository(SigningKeyEntity).insert({
      ...key,
      createdAt: now,
      activatedAt: key.state === 'active' ? key.activatesAt : null,
    });
  }

  /** The staged key takes over: the active one retires at the instant the next one activates. */
  async promote(tx: Tx, next: SigningKeyEntity): Promise<void> {
    const repo = tx.getRepository(SigningKeyEntity);
    await repo.update({ state: 'active' }, { state: 'retired', retiredAt: next.activatesAt });
    await repo.update({ kid: next.kid }, { state: 'active', activatedAt: next.activatesAt });
  }
}
