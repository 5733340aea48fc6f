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
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { OAuthModule } from './oauth/oauth.module';
import { ObservabilityModule } from './observability/observability.module';
import { REALM } from './oauth/client-auth/client-authenticator';
import { RevocationsService } from './tokens/revocations.service';
import { ThrottleModule } from './throttle/throttle.module';
import { StoreVerificationKeys } from './tokens/store-verification-keys';
import { TokensModule } from './tokens/tokens.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        // First: metrics exist before anything reports (the guard's and audit writer's hooks are its global providers).
        ObservabilityModule.forRoot(config),
        DatabaseModule.forRoot({ url: databaseUrl, runMigrations: config.migrationsRun }),
        CommonModule,
        AuditModule,
        ThrottleModule,
        TokensModule,
        KeysModule,
        OAuthModule,
        HealthModule,
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
      providers: [{ provide: AppConfig, useValue: config }, { provide: APP_FILTER, useClass: HttpErrorFilter }],
      exports: [AppConfig],
    };
  }
}
