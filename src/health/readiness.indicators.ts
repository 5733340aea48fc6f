/**
 * What "ready" means for an instance: it can reach PostgreSQL (within a short
 * timeout, so a hung connection cannot hang the probe), it holds an active
 * signing key (it can mint tokens), and its revocation listener is connected
 * (it learns of revocations made elsewhere). Each is a terminus indicator, so a
 * failing probe names the check that failed.
 */
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StoreHealth } from '../database/store-health';
import { RevocationsService } from '../tokens/revocations.service';
import { SigningKeysService } from '../tokens/signing-keys.service';

/** Below the container health check's 3 s timeout, with room for the rest of the probe. */
export const STORE_PING_TIMEOUT_MS = 1500;

@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: StoreHealth,
    private readonly signingKeys: SigningKeysService,
    private readonly revocations: RevocationsService,
  ) {}

  async database() {
    const check = this.indicators.check('database');
    return (await this.store.ping(STORE_PING_TIMEOUT_MS))
      ? check.up()
      : check.down({ message: `PostgreSQL did not answer SELECT 1 (timeout ${STORE_PING_TIMEOUT_MS} ms)` });
  }

  signingKey() {
    const check = this.indicators.check('signing_key');
    try {
      // The kid is public (it is in the JWKS); the private key never leaves the service.
      return check.up({ kid: this.signingKeys.activeKey().kid });
    } catch {
      return check.down({ message: 'no active signing key loaded' });
    }
  }

  revocationListener() {
    const check = this.indicators.check('revocation_listener');
    return this.revocations.isListening ? check.up() : check.down({ message: 'LISTEN connection lost; reconnecting' });
  }
}
