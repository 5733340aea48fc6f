import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { VerificationKeys } from '../guard/guard-options';
import { SigningKeysService } from './signing-keys.service';

const RELOAD_INTERVAL_MS = 5_000;

/**
 * The guard's keys inside the authorization server itself: straight from the
 * signing-key store. An unknown kid may be a key another instance just
 * published, so it triggers a reload (at most one every few seconds).
 */
@Injectable()
export class StoreVerificationKeys extends VerificationKeys {
  private lastReload = 0;

  constructor(private readonly signingKeys: SigningKeysService) {
    super();
  }

  async resolve(kid: string): Promise<KeyObject | undefined> {
    const known = this.signingKeys.publicKey(kid);
    if (known || Date.now() - this.lastReload < RELOAD_INTERVAL_MS) return known;
    this.lastReload = Date.now();
    await this.signingKeys.reload().catch(() => undefined);
    return this.signingKeys.publicKey(kid);
  }
}
