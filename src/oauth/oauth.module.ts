import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { KeysModule } from '../keys/keys.module';
import { TokensModule } from '../tokens/tokens.module';
import { ClientAuthGuard } from './client-auth/client-auth.guard';
import { ClientAuthentication } from './client-auth/client-authentication';
import { ClientAuthenticator } from './client-auth/client-authenticator';
import { ClientBasicStrategy } from './client-auth/client-basic.strategy';
import { TokenClientAuthGuard } from './client-auth/token-client-auth.guard';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { JwksController } from './jwks.controller';
import { MetadataController } from './metadata.controller';
import { IntrospectionService } from './introspection.service';
import { RevocationEndpointService } from './revocation-endpoint.service';
import { TokenController } from './token.controller';
import { TokenManagementController } from './token-management.controller';
import { TokenDenials } from './token-denials';

@Module({
  imports: [PassportModule, KeysModule, TokensModule, JwtModule.register({})],
  controllers: [TokenController, TokenManagementController, MetadataController, JwksController],
  providers: [
    ClientAuthenticator,
    ClientAuthentication,
    ClientBasicStrategy,
    ClientAuthGuard,
    TokenClientAuthGuard,
    ClientCredentialsGrant,
    TokenDenials,
    IntrospectionService,
    RevocationEndpointService,
  ],
})
export class OAuthModule {}
