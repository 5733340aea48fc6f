/**
 * API keys: creation (with its first secret, shown once), reading and
 * listing. A key and its `key.created` event commit together. Changes,
 * rotation, revocation and expiry live in their own services.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Problem } from '../common/errors/problem';
import { AppConfig } from '../config/app-config';
import { ADMIN_SCOPES } from '../config/scope-catalog';
import { Transactions } from '../database/transactions';
import { generateClientId, generateSecret, SecretHasher } from './credentials';
import { decodeKeyCursor, encodeKeyCursor, invalidCursor } from './key-cursor';
import { type Actor, keyEvent } from './key-events';
import { assertNoFieldErrors, KeyPolicy } from './key-policy';
import { type KeyPage, type KeyStatus, type KeyView, toKeyView } from './key-view';
import { KeysRepository } from './keys.repository';

export type { Actor } from './key-events';

export interface NewKeyRequest {
  /** null for an admin key (bootstrap and CLI only). */
  readonly accountId: string | null;
  readonly label: string;
  readonly scopes: readonly string[];
  readonly allowedCidrs?: readonly string[];
  readonly tokenTtlSeconds?: number;
  /** Absent: the default lifetime. null: never expires, for admin keys only. */
  readonly expiresAt?: Date | null;
  /** Bootstrap only: an operator-chosen id and secret. */
  readonly clientId?: string;
  readonly secret?: string;
}

export interface KeyListRequest {
  readonly accountId?: string;
  readonly status?: KeyStatus;
  readonly limit: number;
  readonly cursor?: string;
}

const DEFAULT_TOKEN_TTL = 900;

@Injectable()
export class KeysService {
  private readonly hasher: SecretHasher;
  private readonly policy: KeyPolicy;

  constructor(
    private readonly repository: KeysRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.hasher = new SecretHasher(config.secretPepper);
    this.policy = new KeyPolicy(config);
  }

  async create(request: NewKeyRequest, actor: Actor): Promise<{ key: KeyView; clientSecret: string }> {
    const now = this.clock.now();
    const scopes = [...new Set(request.scopes)];
    const allowedCidrs = [...(request.allowedCidrs ?? [])];
    const expiresAt = request.expiresAt === undefined ? this.policy.defaultExpiry(now) : request.expiresAt;
    const errors = [...this.policy.scopeErrors(request.accountId, request.scopes), ...this.policy.allowlistErrors(scopes, allowedCidrs)];
    if (expiresAt === null && request.accountId !== null) errors.push({ field: 'expires_at', message: 'an account key always expires' });
    // The bootstrap admin key (an operator-chosen id) is exempt from the maximum: it is the way back in.
    if (expiresAt !== null && request.clientId === undefined) errors.push(...this.policy.expiryErrors(expiresAt, now));
    assertNoFieldErrors(errors);

    const clientId = request.clientId ?? generateClientId();
    const secret = request.secret ?? generateSecret();
    const tokenTtlSeconds = request.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL;
    await this.transactions.run(async (tx) => {
      await this.repository.insert(
        tx,
        { clientId, accountId: request.accountId, label: request.label, scopes, allowedCidrs, tokenTtlSeconds, createdBy: actor.clientId, expiresAt },
        this.hasher.hash(secret),
        now,
      );
      await this.audit.recordIn(
        tx,
        keyEvent('key.created', actor, { clientId, accountId: request.accountId }, {
          label: request.label,
          scopes,
          allowed_cidrs: allowedCidrs,
          token_ttl_seconds: tokenTtlSeconds,
          expires_at: expiresAt?.toISOString() ?? null,
        }),
      );
    });
    return { key: await this.get(clientId), clientSecret: secret };
  }

  async get(clientId: string): Promise<KeyView> {
    const key = await this.repository.findWithSecrets(clientId);
    if (!key) throw Problem.notFound(`No API key ${clientId}`);
    return toKeyView(key, this.clock.now());
  }

  async list(request: KeyListRequest): Promise<KeyPage> {
    const after = request.cursor === undefined ? undefined : decodeKeyCursor(request.cursor);
    if (after !== undefined && !(await this.repository.exists(after))) throw invalidCursor();
    const now = this.clock.now();
    // One more than asked tells whether another page follows.
    const keys = await this.repository.list({ accountId: request.accountId, status: request.status, after, limit: request.limit + 1 }, now);
    const page = keys.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((k) => toKeyView(k, now)),
      next_cursor: keys.length > request.limit && last ? encodeKeyCursor(last.clientId) : null,
    };
  }

  exists(clientId: string): Promise<boolean> {
    return this.repository.exists(clientId);
  }

  isStoreEmpty(): Promise<boolean> {
    return this.repository.isEmpty();
  }

  allAdminScopes(): string[] {
    return [...ADMIN_SCOPES];
  }
}
