/**
 * API keys: creation (with its first secret, shown once) and reading. A key
 * and its `key.created` event commit together.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Problem } from '../common/errors/problem';
import type { RequestContext } from '../common/http/request-context';
import { AppConfig } from '../config/app-config';
import { ADMIN_SCOPES, isAdminScope } from '../config/scope-catalog';
import { Transactions } from '../database/transactions';
import { generateClientId, generateSecret, SecretHasher } from './credentials';
import { KeysRepository } from './keys.repository';
import { type KeyView, toKeyView } from './key-view';

export interface NewKeyRequest {
  readonly accountId: string | null;
  readonly label: string;
  readonly scopes: readonly string[];
  readonly allowedCidrs?: readonly string[];
  readonly tokenTtlSeconds?: number;
  readonly expiresAt?: Date | null;
  /** Bootstrap only: an operator-chosen id and secret. */
  readonly clientId?: string;
  readonly secret?: string;
}

export interface Actor {
  readonly clientId: string | null;
  readonly context?: RequestContext;
}

const DEFAULT_TOKEN_TTL = 900;

@Injectable()
export class KeysService {
  private readonly hasher: SecretHasher;

  constructor(
    private readonly repository: KeysRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.hasher = new SecretHasher(config.secretPepper);
  }

  async create(request: NewKeyRequest, actor: Actor): Promise<{ key: KeyView; clientSecret: string }> {
    this.checkScopes(request.accountId, request.scopes);
    const now = this.clock.now();
    if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) {
      throw Problem.badRequest('expires_at: must be in the future', { errors: [{ field: 'expires_at', message: 'must be in the future' }] });
    }
    const clientId = request.clientId ?? generateClientId();
    const secret = request.secret ?? generateSecret();
    const scopes = [...new Set(request.scopes)];
    await this.transactions.run(async (tx) => {
      await this.repository.insert(
        tx,
        {
          clientId,
          accountId: request.accountId,
          label: request.label,
          scopes,
          allowedCidrs: [...(request.allowedCidrs ?? [])],
          tokenTtlSeconds: request.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL,
          createdBy: actor.clientId,
          expiresAt: request.expiresAt ?? null,
        },
        this.hasher.hash(secret),
        now,
      );
      await this.audit.recordIn(tx, {
        type: 'key.created',
        outcome: 'success',
        actor: { clientId: actor.clientId, ip: actor.context?.ip, userAgent: actor.context?.userAgent },
        subject: { clientId, accountId: request.accountId },
        requestId: actor.context?.requestId,
        data: {
          label: request.label,
          scopes,
          allowed_cidrs: request.allowedCidrs ?? [],
          token_ttl_seconds: request.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL,
          expires_at: request.expiresAt?.toISOString() ?? null,
        },
      });
    });
    return { key: await this.get(clientId), clientSecret: secret };
  }

  async get(clientId: string): Promise<KeyView> {
    const key = await this.repository.findWithSecrets(clientId);
    if (!key) throw Problem.notFound(`No API key ${clientId}`);
    return toKeyView(key, this.clock.now());
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

  private checkScopes(accountId: string | null, scopes: readonly string[]): void {
    const errors: { field: string; message: string }[] = [];
    scopes.forEach((scope, i) => {
      if (!this.config.scopes.audienceOf.has(scope)) errors.push({ field: `scopes.${i}`, message: `unknown scope "${scope}"` });
      else if (accountId !== null && isAdminScope(this.config.scopes, scope))
        errors.push({ field: `scopes.${i}`, message: `"${scope}" is an admin scope: it is never granted to an account key` });
    });
    if (errors.length > 0) throw Problem.badRequest(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
}
