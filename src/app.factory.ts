/**
 * Builds the HTTP application on Fastify (the hot path's framework cost is a
 * fraction of Express's). Shared by main.ts and the e2e tests, so what the
 * tests exercise is what runs.
 */
import { type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { FORM_CONTENT_TYPE, parseFormBody } from './oauth/form';

const BODY_LIMIT = 64 * 1024;
const FORM_BODY_LIMIT = 16 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const LEVELS: Record<AppConfig['logLevel'], LogLevel[] | false> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  silent: false,
};

export async function createApp(config: AppConfig, databaseUrl: string): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // A caller's (or proxy's) request id is kept when it is sane, so one id follows a request across systems.
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  fastify.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
    done(null, parseFormBody(body as string));
  });
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', String(req.id));
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, {
    bodyParser: false,
    logger: LEVELS[config.logLevel],
  });
  app.enableShutdownHooks();
  for (const warning of config.warnings) new Logger('Config').warn(warning);
  return app;
}
