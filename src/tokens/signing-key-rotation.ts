/**
 * Staged signing-key rotation, exactly once however many instances run: every
 * change happens under one advisory lock. `stage` publishes a `next` key that
 * starts signing after the lead time (longer than any JWKS cache); `tick`
 * promotes it when due and, on the configured schedule, stages the next one.
 * A retired key stays published until every token it signed has expired.
 */
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Problem } from '../common/errors/problem';
import type { RequestContext } from '../common/http/request-context';
import { AppConfig } from '../config/app-config';
import { Transactions, type Tx } from '../database/transactions';
import { KeySeal } from './key-seal';
import type { SigningKeyEntity } from './signing-key.entity';
import { newSigningKey, SIGNING_ALG } from './signing-key-material';
import { SigningKeysRepository } from './signing-keys.repository';

const DAY_MS = 86_400_000;

export interface SigningKeyView {
  kid: string;
  alg: string;
  state: SigningKeyEntity['state'];
  created_at: string;
  activates_at: string;
  activated_at: string | null;
  retired_at: string | null;
  /** Whether the JWKS lists it now. */
  published: boolean;
}

export interface RotationActor {
  readonly clientId: string | null;
  readonly context?: RequestContext;
}

@Injectable()
export class SigningKeyRotation {
  private readonly logger = new Logger(SigningKeyRotation.name);
  private readonly seal: KeySeal;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.seal = new KeySeal(config.signingKeyEncryptionKey);
  }

  /** How long a retired key stays published: the longest token lifetime, the verifiers' skew and a margin. */
  publishedAfterRetirementMs(): number {
    return (this.config.tokenTtlMaxSeconds + this.config.clockSkewSeconds + 60) * 1000;
  }

  /** On an empty store, the first instance to start creates the active key. */
  async ensureActiveKey(): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.repository.lockForRotation(tx);
      if (await this.repository.findByState(tx, 'active')) return;
      const now = this.clock.now();
      const key = newSigningKey(this.seal, 'active', now);
      await this.repository.insert(tx, key, now);
      await this.record(tx, { clientId: null }, 'initial', { kid: key.kid, alg: SIGNING_ALG, state: 'active', activates_at: now.toISOString() });
      this.logger.log(`generated the first signing key ${key.kid}`);
    });
  }

  /** Publishes a new key that signs after `leadSeconds`. 409 while another rotation is staged. */
  async stage(actor: RotationActor, leadSeconds = this.config.signingKeys.leadSeconds): Promise<SigningKeyView> {
    const view = await this.transactions.run(async (tx) => {
      await this.repository.lockForRotation(tx);
      const pending = await this.repository.findByState(tx, 'next');
      if (pending) throw Problem.conflict(`A rotation is already staged: key ${pending.kid} signs from ${pending.activatesAt.toISOString()}`);
      return this.stageIn(tx, actor, leadSeconds, actor.clientId ? 'on_demand' : 'scheduled');
    });
    return view;
  }

  /** Runs on every instance; one at a time does the work (the others skip). */
  async tick(): Promise<void> {
    await this.transactions.run(async (tx) => {
      const locked = (await tx.query(`SELECT pg_try_advisory_xact_lock(hashtext('wagmix-auth:signing-keys')) AS ok`)) as { ok: boolean }[];
      if (!locked[0]?.ok) return;
      const now = this.clock.now();
      const next = await this.repository.findByState(tx, 'next');
      const active = await this.repository.findByState(tx, 'active');
      if (next && next.activatesAt.getTime() <= now.getTime()) {
        await this.repository.promote(tx, next);
        await this.record(tx, { clientId: null }, 'promoted', { kid: next.kid, state: 'active', previous_kid: active?.kid ?? null, activated_at: next.activatesAt.toISOString() });
        this.logger.log(`signing key ${next.kid} is now active`);
        return;
      }
      const days = this.config.signingKeys.rotationDays;
      const since = active?.activatedAt ?? active?.activatesAt;
      if (!next && days > 0 && since && now.getTime() - since.getTime() >= days * DAY_MS) {
        await this.stageIn(tx, { clientId: null }, this.config.signingKeys.leadSeconds, 'scheduled');
      }
    });
  }

  async list(): Promise<SigningKeyView[]> {
    const horizon = this.clock.now().getTime() - this.publishedAfterRetirementMs();
    return (await this.repository.findAll()).map((k) => view(k, k.state !== 'retired' || (k.retiredAt?.getTime() ?? 0) > horizon));
  }

  private async stageIn(tx: Tx, actor: RotationActor, leadSeconds: number, reason: string): Promise<SigningKeyView> {
    const now = this.clock.now();
    const activatesAt = new Date(now.getTime() + leadSeconds * 1000);
    const previous = await this.repository.findByState(tx, 'active');
    const key = newSigningKey(this.seal, 'next', activatesAt);
    await this.repository.insert(tx, key, now);
    await this.record(tx, actor, reason, { kid: key.kid, state: 'next', previous_kid: previous?.kid ?? null, activates_at: activatesAt.toISOString() });
    this.logger.log(`staged signing key ${key.kid}, signing from ${activatesAt.toISOString()}`);
    return {
      kid: key.kid,
      alg: key.alg,
      state: 'next',
      created_at: now.toISOString(),
      activates_at: activatesAt.toISOString(),
      activated_at: null,
      retired_at: null,
      published: true,
    };
  }

  private async record(tx: Tx, actor: RotationActor, reason: string, data: Record<string, unknown>): Promise<void> {
    await this.audit.recordIn(tx, {
      type: 'signing_key.rotated',
      outcome: 'success',
      actor: { clientId: actor.clientId, ip: actor.context?.ip, userAgent: actor.context?.userAgent },
      reason,
      requestId: actor.context?.requestId,
      data,
    });
  }
}

function view(k: SigningKeyEntity, published: boolean): SigningKeyView {
  return {
    kid: k.kid,
    alg: k.alg,
    state: k.state,
    created_at: k.createdAt.toISOString(),
    activates_at: k.activatesAt.toISOString(),
    activated_at: k.activatedAt?.toISOString() ?? null,
    retired_at: k.retiredAt?.toISOString() ?? null,
    published,
  };
}
