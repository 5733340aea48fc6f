/**
 * One line per request, written when the response has gone: method, path
 * (sensitive query values hidden), headers (credentials redacted), peer,
 * status and time taken; never a body.
 *
 * A Fastify hook on the one process-wide pino logger, in place of
 * nestjs-pino: its pino-http child logger per request and the middie
 * middleware layer it needs cost about a tenth of a token issuance's CPU even
 * when no line is written (docs/performance.md).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';
import { scrubUrl } from './log-options';

/** Probes and scrapes every few seconds would drown the log; their failures still show in health and metrics. */
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)$/;

/** 503 (store away, retried by clients) and 429 (throttled, locked out) are warnings: kept at LOG_LEVEL=warn, not errors. */
export function requestLogLevel(statusCode: number): Level {
  return statusCode === 503 || statusCode === 429 ? 'warn' : statusCode >= 500 ? 'error' : 'info';
}

export function installRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    const level = requestLogLevel(reply.statusCode);
    if (logger.isLevelEnabled(level)) {
      const path = pathOf(req.url);
      if (!QUIET_PATHS.test(path)) logger[level](completionLine(req, reply), `${req.method} ${path} ${reply.statusCode}`);
    }
    done();
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function completionLine(req: FastifyRequest, reply: FastifyReply): object {
  return {
    request_id: String(req.id),
    // A plain copy of the headers: redaction (log-options.ts) walks plain data only.
    req: { method: req.method, url: scrubUrl(req.url), headers: { ...req.headers }, remoteAddress: req.ip },
    res: { statusCode: reply.statusCode },
    responseTime: reply.elapsedTime,
  };
}
