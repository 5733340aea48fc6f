/**
 * Measurement (b) of `npm run bench`: the smallest NestJS (Fastify) resource
 * server, one route `GET /bench/echo` marked `@Scopes('exchange:account:read')`.
 * Started twice by the harness: with BENCH_GUARD=1 it imports
 * `TokenGuardModule.forRemoteJwks` pointed at our running service's JWKS, so
 * every request is checked by the guard a real resource server uses; without
 * it the module is left out and the same route answers anyone. The ratio of
 * the two is what the guard costs a resource server per request.
 *
 *   BENCH_GUARD=1 AUTH_ISSUER=… AUTH_JWKS_URI=… PORT=4300 node -r ./test/fixtures/swc-register.js bench/apps/echo-app.ts
 */
import 'reflect-metadata';
import { Controller, type DynamicModule, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Public, Scopes, TokenGuardModule } from '../../src/guard';

@Controller('bench')
class EchoController {
  @Get('echo')
  @Scopes('exchange:account:read')
  echo(): { ok: true } {
    return { ok: true };
  }
}

// The harness's readiness probe must not need a token.
@Public()
@Controller('health')
class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({})
class EchoModule {
  static forRoot(guard: { issuer: string; jwksUri: string } | null): DynamicModule {
    return {
      module: EchoModule,
      imports: guard
        ? [
            TokenGuardModule.forRemoteJwks({
              issuer: guard.issuer,
              jwksUri: guard.jwksUri,
              audience: 'urn:wagmix:exchange',
              clockSkewSeconds: 5,
              realm: 'wagmix-bench',
            }),
          ]
        : [],
      controllers: [EchoController, HealthController],
    };
  }
}

async function main(): Promise<void> {
  const guarded = process.env.BENCH_GUARD === '1';
  const issuer = process.env.AUTH_ISSUER;
  const jwksUri = process.env.AUTH_JWKS_URI;
  if (guarded && (!issuer || !jwksUri)) throw new Error('BENCH_GUARD=1 needs AUTH_ISSUER and AUTH_JWKS_URI');
  const app = await NestFactory.create<NestFastifyApplication>(
    EchoModule.forRoot(guarded ? { issuer: issuer as string, jwksUri: jwksUri as string } : null),
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
  await app.listen({ port: Number(process.env.PORT ?? 4300), host: '127.0.0.1' });
  process.stdout.write(`echo app (${guarded ? 'guarded' : 'unguarded'}) on 127.0.0.1:${process.env.PORT ?? 4300}\n`);
  const stop = (): void => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`echo app failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
