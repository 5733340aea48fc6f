/**
 * The authorization server: configuration and store are resolved before the
 * module is built (see main.ts / createApp), so every provider receives ready values.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AccessDeniedRecorder } from './audit/access-denied.recorder';
import { AuditModule } from './audit/audit.module';
import { CommonModule } from './common/common.module';
import { HttpErrorFilter } from './common/errors/http-error.filter';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { TokenGuardModule } from './guard/guard.module';
import { HealthController } from './health/health.controller';
import { KeysModule } from './keys/keys.module';
import { OAuthModule } from './oauth/oauth.module';
import { REALM } from './oauth/client-auth/client-authenticator';
import { RevocationsService } from './tokens/revocations.service';
import { StoreVerificationKeys } from './tokens/store-verification-keys';
import { TokensModule } from './tokens/tokens.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({ url: databaseUrl, runMigrations: config.migrationsRun }),
        CommonModule,
        AuditModule,
        TokensModule,
        KeysModule,
        OAuthModule,
        TokenGuardModule.forRoot({
          imports: [TokensModule],
          keys: StoreVerificationKeys,
          revocations: RevocationsService,
          accessDenied: AccessDeniedRecorder,
          inject: [AppConfig],
          useFactory: (c: AppConfig) => ({
            issuer: c.issuer,
            audience: c.scopes.adminAudience,
            clockSkewSeconds: c.clockSkewSeconds,
            realm: REALM,
            trustedProxies: c.trustedProxies,
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: AppConfig, useValue: config }, { provide: APP_FILTER, useClass: HttpErrorFilter }],
      exports: [AppConfig],
    };
  }
}
