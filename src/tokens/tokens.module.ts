import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { RevocationsRepository } from './revocations.repository';
import { RevocationsService } from './revocations.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { StoreVerificationKeys } from './store-verification-keys';
import { TokenSigner } from './token-signer';

@Module({
  imports: [JwtModule.register({})],
  providers: [SigningKeysRepository, SigningKeysService, TokenSigner, StoreVerificationKeys, RevocationsRepository, RevocationsService],
  exports: [SigningKeysService, TokenSigner, StoreVerificationKeys, RevocationsService],
})
export class TokensModule {}
