/**
 * The API key domain without HTTP, timers or start-up side effects: what
 * both the serving app (through KeysModule) and the operator CLI use, so a
 * key changed from either follows the same rules and leaves the same events.
 */
import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { KeyExpiryService } from './key-expiry.service';
import { KeyRevocationService } from './key-revocation.service';
import { KeyRotationService } from './key-rotation.service';
import { KeySecretsRepository } from './key-secrets.repository';
import { KeyUpdatesService } from './key-updates.service';
import { KeysRepository } from './keys.repository';
import { KeysService } from './keys.service';

const SERVICES = [
  KeysRepository,
  KeySecretsRepository,
  KeysService,
  KeyUpdatesService,
  KeyRotationService,
  KeyRevocationService,
  KeyExpiryService,
];

@Module({
  imports: [TokensModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class KeysCoreModule {}
