import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';
import { StoreVerificationKeys } from './store-verification-keys';
import { TokenSigner } from './token-signer';

@Module({
  imports: [JwtModule.register({})],
  providers: [SigningKeysRepository, SigningKeysService, TokenSigner, StoreVerificationKeys],
  exports: [SigningKeysService, TokenSigner, StoreVerificationKeys],
})
export class TokensModule {}
