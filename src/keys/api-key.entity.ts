import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { ApiKeySecretEntity } from './api-key-secret.entity';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ name: 'account_id', type: 'text', nullable: true })
  accountId!: string | null;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ name: 'allowed_cidrs', type: 'text', array: true, default: () => "'{}'" })
  allowedCidrs!: string[];

  @Column({ name: 'token_ttl_seconds', type: 'integer', default: 900 })
  tokenTtlSeconds!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;

  /** Set in the transaction that records `key.expired`, so that event is recorded exactly once. */
  @Column({ name: 'expired_event_at', type: 'timestamptz', nullable: true })
  expiredEventAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'text', nullable: true })
  lastUsedIp!: string | null;

  @OneToMany(() => ApiKeySecretEntity, (s) => s.key)
  secrets?: ApiKeySecretEntity[];
}
