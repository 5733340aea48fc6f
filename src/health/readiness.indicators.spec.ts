import { HealthIndicatorService } from '@nestjs/terminus';
import type { StoreHealth } from '../database/store-health';
import type { RevocationsService } from '../tokens/revocations.service';
import type { SigningKeysService } from '../tokens/signing-keys.service';
import { ReadinessIndicators } from './readiness.indicators';

/** The e2e suite covers a lost listener and a database outage; a missing signing key cannot be produced from outside. */
describe('ReadinessIndicators', () => {
  const build = (over: { ping?: boolean; kid?: string | null; listening?: boolean } = {}) =>
    new ReadinessIndicators(
      new HealthIndicatorService(),
      { ping: async () => over.ping ?? true } as unknown as StoreHealth,
      {
        activeKey: () => {
          if (over.kid === null) throw new Error('no active signing key loaded');
          return { kid: over.kid ?? 'kid-1' };
        },
      } as unknown as SigningKeysService,
      { isListening: over.listening ?? true } as unknown as RevocationsService,
    );

  it('reports the active signing key by kid', () => {
    expect(build().signingKey()).toEqual({ signing_key: { status: 'up', kid: 'kid-1' } });
  });

  it('is down without an active signing key', () => {
    expect(build({ kid: null }).signingKey()).toEqual({ signing_key: { status: 'down', message: 'no active signing key loaded' } });
  });

  it('is down when the store does not answer or the listener is disconnected', async () => {
    expect(await build({ ping: false }).database()).toEqual({ database: { status: 'down', message: 'PostgreSQL did not answer SELECT 1 (timeout 1500 ms)' } });
    expect(build({ listening: false }).revocationListener()).toEqual({ revocation_listener: { status: 'down', message: 'LISTEN connection lost; reconnecting' } });
  });
});
