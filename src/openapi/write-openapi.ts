/**
 * `npm run openapi`: writes ./openapi.json. The app is built in Nest's preview
 * mode (modules and routes resolved, no provider instantiated), so no database
 * is needed, and from a fixed configuration rather than the environment, so
 * the file is the same on every machine.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi';

/** Serialised as committed: two-space indent and a final newline. */
export function serializeOpenApi(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Placeholders only: preview mode connects to nothing and signs nothing. */
const DOCUMENT_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  SECRET_PEPPER: 'openapi-document-placeholder-pepper-0123456789',
  SIGNING_KEY_ENCRYPTION_KEY: 'openapi-document-placeholder-seal-0123456789',
  ISSUER: 'https://auth.example',
  LOG_LEVEL: 'error',
};

export async function buildOfflineDocument(): Promise<object> {
  const config = loadConfig(DOCUMENT_ENV);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, DOCUMENT_ENV.DATABASE_URL), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  buildOfflineDocument().then(
    (document) => {
      writeFileSync(target, serializeOpenApi(document));
      process.stdout.write(`wrote ${target}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`openapi: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
