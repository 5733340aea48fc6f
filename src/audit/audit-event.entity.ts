import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('audit_events')
export class AuditEventEntity {
  /** bigint: chain order. pg returns it as a string, which is also what the API shows. */
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'actor_client_id', type: 'text', nullable: true })
  actorClientId!: string | null;

  @Column({ name: 'actor_ip', type: 'text', nullable: true })
  actorIp!: string | null;

  @Column({ name: 'actor_user_agent', type: 'text', nullable: true })
  actorUserAgent!: string | null;

  @Column({ name: 'subject_client_id', type: 'text', nullable: true })
  subjectClientId!: string | null;

  @Column({ name: 'subject_account_id', type: 'text', nullable: true })
  subjectAccountId!: string | null;

  @Column({ name: 'subject_jti', type: 'text', nullable: true })
  subjectJti!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
