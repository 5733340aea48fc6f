/**
 * Run: AUTH_ISSUER=http://localhost:3000 PORT=4000 npx ts-node … (see README.md).
 * Reads its three settings from the environment and serves on Fastify.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ResourceServerModule } from './app.module';

export async function createResourceServer(config: { issuer: string; jwksUri?: string; audience?: string }): Promise<NestFastifyApplication> {
  return NestFactory.create<NestFastifyApplication>(
    ResourceServerModule.forRoot({
      issuer: config.issuer,
      jwksUri: config.jwksUri ?? `${config.issuer}/.well-known/jwks.json`,
      audience: config.audience ?? 'urn:wagmix:exchange',
    }),
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
}

if (require.main === module) {
  const issuer = process.env.AUTH_ISSUER ?? 'http://localhost:3000';
  createResourceServer({ issuer, jwksUri: process.env.AUTH_JWKS_URI, audience: process.env.AUDIENCE })
    .then((app) => app.listen({ port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' }))
    .then(() => process.stdout.write(`resource server on :${process.env.PORT ?? 4000}, trusting ${issuer}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`resource server failed: ${String(err)}\n`);
      process.exit(1);
    });
}
