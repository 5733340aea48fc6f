/**
 * TokenGuardModule: import it into any NestJS resource server to accept
 * Wagmix access tokens. Give it the expected issuer and audience and where
 * keys come from: `forRemoteJwks` for a resource server validating offline
 * through our JWKS, or `forRoot` with a key provider of your own (the
 * authorization server uses its signing-key store). The guard is global.
 */
import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessDeniedSink, RevocationCheck, TOKEN_GUARD_OPTIONS, type TokenGuardOptions, VerificationKeys } from './guard-options';
import { ProblemFilter } from './problem.filter';
import { RemoteJwksKeys, type RemoteJwksOptions } from './remote-jwks-keys';
import { TokenGuard } from './token.guard';
import { TokenVerifier } from './token-verifier';

export interface TokenGuardModuleOptions {
  readonly imports?: DynamicModule['imports'];
  readonly useFactory: (...deps: never[]) => TokenGuardOptions;
  readonly inject?: (Type | symbol | string)[];
  /** A provider class for VerificationKeys. */
  readonly keys: Type<VerificationKeys>;
  /** Optional: rejects revoked tokens (the authorization server itself uses its revocation state). */
  readonly revocations?: Type<RevocationCheck>;
  /** Optional: records refusals. */
  readonly accessDenied?: Type<AccessDeniedSink>;
}

@Module({})
export class TokenGuardModule {
  static forRoot(options: TokenGuardModuleOptions): DynamicModule {
    return this.build(options, [{ provide: VerificationKeys, useExisting: options.keys }]);
  }

  /** Offline validation through a JWKS URL (for example `https://auth.wagmix.example/.well-known/jwks.json`). */
  static forRemoteJwks(guard: TokenGuardOptions & RemoteJwksOptions): DynamicModule {
    return this.build({ useFactory: () => guard, keys: RemoteJwksKeys }, [{ provide: VerificationKeys, useValue: new RemoteJwksKeys(guard) }]);
  }

  private static build(options: Omit<TokenGuardModuleOptions, 'keys'> & { keys: Type<VerificationKeys> }, keyProviders: Provider[]): DynamicModule {
    const optional = (token: abstract new () => unknown, cls?: Type): Provider => (cls ? { provide: token, useExisting: cls } : { provide: token, useValue: null });
    return {
      module: TokenGuardModule,
      // Global: any module of the resource server can inject TokenVerifier.
      global: true,
      imports: [...(options.imports ?? []), JwtModule.register({})],
      providers: [
        { provide: TOKEN_GUARD_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...keyProviders,
        optional(RevocationCheck, options.revocations),
        optional(AccessDeniedSink, options.accessDenied),
        TokenVerifier,
        { provide: APP_GUARD, useClass: TokenGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [TokenVerifier, TOKEN_GUARD_OPTIONS],
    };
  }
}
