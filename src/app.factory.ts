/**
 * Builds the HTTP application on Fastify (the hot path's framework cost is a
 * fraction of Express's). Shared by main.ts and the e2e tests, so what the
 * tests exercise is what runs.
 */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { installSecurityHeaders } from './common/http/security-headers';
import type { AppConfig } from './config/app-config';
import { FORM_CONTENT_TYPE, parseFormBody } from './oauth/form';
import { defaultLogDestination } from './observability/logging/log-destination';
import { createPinoLogger, nestLogger } from './observability/logging/nest-logger';
import { installRequestLogging } from './observability/logging/request-log';
import { installHttpMetrics } from './observability/metrics/http-metrics';
import { setupOpenApi } from './openapi/openapi';

const BODY_LIMIT = 64 * 1024;
const FORM_BODY_LIMIT = 16 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export interface CreateAppOptions {
  /** Where log lines go; default: stdout (JSON lines, or pino-pretty per LOG_FORMAT). Tests pass a stream they read. */
  readonly logStream?: DestinationStream;
}

export async function createApp(config: AppConfig, databaseUrl: string, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const destination = options.logStream ? { stream: options.logStream } : await defaultLogDestination(config);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // While draining on SIGTERM, a request that reached an accepted connection is served, not refused with 503.
    return503OnClosing: false,
    // A caller's (or proxy's) request id is kept when it is sane, so one id follows a request across systems.
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  const logger = createPinoLogger(config.logLevel, destination.stream);
  // First of all hooks: everything after it runs in the request's scope.
  installRequestLogging(fastify, logger);
  fastify.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
    done(null, parseFormBody(body as string));
  });
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', String(req.id));
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, {
    bodyParser: false,
    // JSON lines from the first one to the last, with the request id on those written while serving a request.
    logger: nestLogger(logger),
    // A start-up failure (store unreachable) rejects here and main.ts reports it in one line; Nest's
    // default, process.exit from inside create(), would also end a whole test run.
    abortOnError: false,
  });
  installHttpMetrics(app);
  await installSecurityHeaders(app, config);
  // GET /docs and /docs/openapi.json, public; /docs gets a CSP that lets the UI load (see openapi.ts).
  setupOpenApi(app);
  for (const warning of config.warnings) new Logger('Config').warn(warning);
  if ('warning' in destination && destination.warning) new Logger('Logging').warn(destination.warning);
  return app;
}
