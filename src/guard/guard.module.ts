/**
 * TokenGuardModule: import it into any NestJS resource server to accept
 * Wagmix access tokens. `forRoot` takes the expected issuer and audience and
 * a provider of verification keys; the guard is registered globally.
 */
import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { RevocationCheck, TOKEN_GUARD_OPTIONS, type TokenGuardOptions, VerificationKeys } from './guard-options';
import { TokenGuard } from './token.guard';
import { TokenVerifier } from './token-verifier';

export interface TokenGuardModuleOptions {
  readonly imports?: DynamicModule['imports'];
  readonly useFactory: (...deps: never[]) => TokenGuardOptions;
  readonly inject?: (Type | symbol | string)[];
  /** A provider class for VerificationKeys (for example one backed by this service's store). */
  readonly keys: Type<VerificationKeys>;
  /** Optional: rejects revoked tokens (the authorization server itself uses its revocation state). */
  readonly revocations?: Type<RevocationCheck>;
}

@Module({})
export class TokenGuardModule {
  static forRoot(options: TokenGuardModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: TOKEN_GUARD_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      { provide: VerificationKeys, useClass: options.keys },
      options.revocations ? { provide: RevocationCheck, useExisting: options.revocations } : { provide: RevocationCheck, useValue: null },
      TokenVerifier,
      { provide: APP_GUARD, useClass: TokenGuard },
    ];
    return {
      module: TokenGuardModule,
      imports: [...(options.imports ?? []), JwtModule.register({})],
      providers,
      exports: [TokenVerifier, TOKEN_GUARD_OPTIONS],
    };
  }
}
