import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { RevocationsRepository } from './revocations.repository';
import { RevocationsService } from './revocations.service';
import { SigningKeyRotation } from './signing-key-rotation';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { StoreVerificationKeys } from './store-verification-keys';
import { TokenSigner } from './token-signer';

@Module({
  imports: [JwtModule.register({})],
  controllers: [SigningKeysController],
  providers: [
    SigningKeysRepository,
    SigningKeyRotation,
    SigningKeysService,
    TokenSigner,
    StoreVerificationKeys,
    RevocationsRepository,
    RevocationsService,
  ],
  exports: [SigningKeysService, SigningKeyRotation, TokenSigner, StoreVerificationKeys, RevocationsService],
})
export class TokensModule {}
