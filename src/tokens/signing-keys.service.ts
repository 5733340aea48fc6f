/**
 * ES256 signing keys shared by every instance through PostgreSQL. Each
 * instance loads the keys that may sign or must stay published (private parts
 * sealed at rest) and refreshes them every few seconds. The key that signs is
 * the one with the latest `activates_at` already passed: a staged key is
 * published first and every instance switches to it at the same instant.
 */
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { KeySeal } from './key-seal';
import { SigningKeyRotation } from './signing-key-rotation';
import { SigningKeysRepository } from './signing-keys.repository';

export { SIGNING_ALG } from './signing-key-material';

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

interface LoadedKey extends ActiveSigningKey {
  readonly activatesAt: number;
}

@Injectable()
export class SigningKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly seal: KeySeal;
  /** Keys that may sign, latest activation first. */
  private signers: LoadedKey[] = [];
  private publicKeys = new Map<string, KeyObject>();
  private jwks: { keys: PublicJwk[] } = { keys: [] };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly rotation: SigningKeyRotation,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.seal = new KeySeal(config.signingKeyEncryptionKey);
  }

  async onModuleInit(): Promise<void> {
    await this.rotation.ensureActiveKey();
    await this.refresh();
    // Promotes due keys (once, under a lock), then picks up what any instance changed; failures keep the last good state.
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.logger.warn(`signing keys not refreshed: ${String(err)}`));
    }, this.config.signingKeys.refreshSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key to sign with now. */
  activeKey(): ActiveSigningKey {
    const now = this.clock.now().getTime();
    const key = this.signers.find((k) => k.activatesAt <= now) ?? this.signers[this.signers.length - 1];
    if (!key) throw new Error('no signing key loaded');
    return key;
  }

  publicKey(kid: string): KeyObject | undefined {
    return this.publicKeys.get(kid);
  }

  jwkSet(): { keys: PublicJwk[] } {
    return this.jwks;
  }

  async refresh(): Promise<void> {
    await this.rotation.tick();
    await this.reload();
  }

  async reload(): Promise<void> {
    const horizon = new Date(this.clock.now().getTime() - this.rotation.publishedAfterRetirementMs());
    const rows = await this.repository.findLive(horizon);
    const signers: LoadedKey[] = [];
    for (const r of rows) {
      if (r.state === 'retired') continue; // retired keys verify but never sign
      const privateKey = createPrivateKey({ key: this.seal.open(r.privateKeyEnc, r.kid), format: 'der', type: 'pkcs8' });
      signers.push({ kid: r.kid, privateKey, activatesAt: r.activatesAt.getTime() });
    }
    if (signers.length === 0) throw new Error('no signing key in the store');
    this.signers = signers.sort((a, b) => b.activatesAt - a.activatesAt);
    this.publicKeys = new Map(rows.map((k) => [k.kid, createPublicKey({ key: k.publicJwk, format: 'jwk' })]));
    this.jwks = {
      keys: rows.map((k) => ({
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
}
