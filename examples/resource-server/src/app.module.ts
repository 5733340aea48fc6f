/**
 * A resource server accepting Wagmix access tokens offline: TokenGuardModule
 * with our JWKS, its own audience, and nothing else to configure.
 */
import { Controller, type DynamicModule, Get, Module } from '@nestjs/common';
import { Public, TokenGuardModule } from '../../../src/guard';
import { ExchangeController } from './exchange.controller';

export interface ResourceServerConfig {
  /** The authorization server's issuer, e.g. https://auth.wagmix.example */
  readonly issuer: string;
  /** Its JWKS, normally `${issuer}/.well-known/jwks.json` */
  readonly jwksUri: string;
  /** This API's audience. */
  readonly audience: string;
}

@Public()
@Controller('health')
class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({})
export class ResourceServerModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return {
      module: ResourceServerModule,
      imports: [
        TokenGuardModule.forRemoteJwks({
          issuer: config.issuer,
          jwksUri: config.jwksUri,
          audience: config.audience,
          clockSkewSeconds: 5,
          realm: 'wagmix-exchange',
        }),
      ],
      controllers: [ExchangeController, HealthController],
    };
  }
}
