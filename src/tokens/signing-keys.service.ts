/**
 * ES256 signing keys shared by every instance through PostgreSQL. The first
 * instance to start on an empty store generates the active key (under an
 * advisory lock, so exactly one does); every instance loads the private part
 * (sealed at rest) to sign, and the public parts to publish and verify.
 */
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Transactions } from '../database/transactions';
import { KeySeal } from './key-seal';
import { SigningKeysRepository } from './signing-keys.repository';

export const SIGNING_ALG = 'ES256';

export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface PublicJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
}

const REFRESH_MS = 30_000;

@Injectable()
export class SigningKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly seal: KeySeal;
  private active: ActiveSigningKey | null = null;
  private publicKeys = new Map<string, KeyObject>();
  private jwks: { keys: PublicJwk[] } = { keys: [] };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.seal = new KeySeal(config.signingKeyEncryptionKey);
  }

  async onModuleInit(): Promise<void> {
    await this.ensureActiveKey();
    await this.reload();
    // Picks up keys rotated by another instance; failures keep the last good state.
    this.timer = setInterval(() => {
      this.reload().catch((err: unknown) => this.logger.warn(`signing keys not refreshed: ${String(err)}`));
    }, REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  activeKey(): ActiveSigningKey {
    if (!this.active) throw new Error('no active signing key loaded');
    return this.active;
  }

  publicKey(kid: string): KeyObject | undefined {
    return this.publicKeys.get(kid);
  }

  jwkSet(): { keys: PublicJwk[] } {
    return this.jwks;
  }

  async reload(): Promise<void> {
    const active = await this.repository.findActive();
    if (!active) throw new Error('no active signing key in the store');
    const privateKey = createPrivateKey({ key: this.seal.open(active.privateKeyEnc, active.kid), format: 'der', type: 'pkcs8' });
    const horizon = this.clock.now().getTime() - this.config.tokenTtlMaxSeconds * 1000;
    const published = (await this.repository.findPublished()).filter(
      (k) => k.state !== 'retired' || (k.retiredAt !== null && k.retiredAt.getTime() > horizon),
    );
    this.active = { kid: active.kid, privateKey };
    this.publicKeys = new Map(published.map((k) => [k.kid, createPublicKey({ key: k.publicJwk, format: 'jwk' })]));
    this.jwks = {
      keys: published.map((k) => ({
        kty: k.publicJwk.kty as string,
        crv: k.publicJwk.crv as string,
        x: k.publicJwk.x as string,
        y: k.publicJwk.y as string,
        kid: k.kid,
        alg: k.alg,
        use: 'sig',
      })),
    };
  }

  private async ensureActiveKey(): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.repository.lockForGeneration(tx);
      if (await this.repository.findActive(tx)) return;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
      const kid = thumbprint(jwk);
      const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
      const now = this.clock.now();
      await this.repository.insert(
        tx,
        {
          kid,
          alg: SIGNING_ALG,
          publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
          privateKeyEnc: this.seal.seal(pkcs8, kid),
          state: 'active',
        },
        now,
      );
      await this.audit.recordIn(tx, {
        type: 'signing_key.rotated',
        outcome: 'success',
        actor: { clientId: null },
        reason: 'initial',
        data: { kid, alg: SIGNING_ALG, state: 'active' },
      });
      this.logger.log(`generated the first signing key ${kid}`);
    });
  }
}

/** RFC 7638 JWK thumbprint of an EC public key: a kid every party can recompute. */
export function thumbprint(jwk: { kty: string; crv: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
