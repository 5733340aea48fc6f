/**
 * How every log line is built: JSON lines through pino, the request id of the
 * request being served on each line (`request_id`, the same id Fastify
 * generated or accepted and sends back as `x-request-id`), and secrets scrubbed
 * centrally whatever code logs them. Request bodies are never logged: the
 * request serializer keeps method, path, headers and peer only.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LevelWithSilent, type LoggerOptions, stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';

/** Keys whose values never reach a log line (compared as written: HTTP header names arrive lower-case). */
export const SENSITIVE_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'client_secret',
  'access_token',
  'refresh_token',
  'token',
  'secret',
  // TypeORM's QueryFailedError carries the query's bound values (secret hashes, for one).
  'parameters',
] as const;

const SENSITIVE: ReadonlySet<string> = new Set(SENSITIVE_KEYS);

/** Sensitive keys are hidden at the top of a line and this many levels below it. */
const REDACT_DEPTH = 5;
export const REDACTED = '[Redacted]';

/**
 * Hides the value of every sensitive key (case-insensitive) in a log object,
 * copying only what changes. It runs when a line is written (pino's
 * `formatters`), not when pino-http creates each request's child logger:
 * pino's own wildcard `redact` paths cost about 68 µs per request there, more
 * than signing the token.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > REDACT_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const r = redact(item, depth + 1);
      if (r !== item) (copy ??= [...value])[i] = r;
    });
    return copy ?? value;
  }
  // Only plain data: requests, responses and errors reach the line through their serializers, which redact themselves.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const r = SENSITIVE.has(key.toLowerCase()) ? REDACTED : redact(item, depth + 1);
    if (r !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = r;
  }
  return copy ?? value;
}

const HEADER_PATHS = [
  ...['authorization', 'proxy-authorization', 'cookie'].map((h) => `req.headers["${h}"]`),
  'res.headers["set-cookie"]',
];

/** Probes and scrapes every few seconds would drown the log; their failures still show in health and metrics. */
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)$/;

interface SerializedRequest {
  readonly id?: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Record<string, unknown>;
  readonly remoteAddress?: string;
}

/** A query string can carry a token too (`?token=…`): keep every parameter but hide the values of sensitive ones. */
export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is logged as sent; it cannot name a sensitive key anyway.
      }
      return SENSITIVE.has(name.toLowerCase()) ? `${key}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

/** middie strips the matched prefix from `url`; `originalUrl` is what the client sent. */
function pathOf(req: IncomingMessage & { originalUrl?: string }): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
}

/** What every line shares, in and out of requests: level names, ISO time, the service name, redaction. */
export function pinoBaseOptions(level: LevelWithSilent): LoggerOptions {
  return {
    level,
    name: 'wagmix-auth',
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redact(bindings) as Record<string, unknown>,
      log: (object) => redact(object) as Record<string, unknown>,
    },
    // Serialized requests and responses are built after `formatters.log` runs: their headers are
    // redacted by exact paths, which (unlike wildcards) cost nothing measurable per request.
    redact: { paths: HEADER_PATHS, censor: REDACTED },
  };
}

export function pinoHttpOptions(level: LevelWithSilent): Options<IncomingMessage, ServerResponse> {
  return {
    ...pinoBaseOptions(level),
    // Fastify already chose the id (genReqId in app.factory.ts) and middie copies it onto the raw request.
    genReqId: (req) => (req as IncomingMessage & { id?: string | number }).id ?? randomUUID(),
    customAttributeKeys: { reqId: 'request_id' },
    // Lines logged while serving a request carry request_id only; the request itself appears once, on the completion line.
    quietReqLogger: true,
    autoLogging: { ignore: (req) => QUIET_PATHS.test(pathOf(req)) },
    // 503 (store away, retried by clients) and 429 (throttled, locked out) are warnings: kept at LOG_LEVEL=warn, not errors.
    customLogLevel: (_req, res, err) =>
      res.statusCode === 503 || res.statusCode === 429 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${pathOf(req)} ${res.statusCode}`,
    // pino-http invents an Error with its own stack for any 5xx; HttpErrorFilter already logged the real one.
    customErrorObject: (_req, _res, err, value: Record<string, unknown>) =>
      err.message.startsWith('failed with status code') ? { ...value, err: undefined } : value,
    serializers: {
      // Receives pino's standard serialization; keeps what helps an operator, drops query values and any body.
      req: (req: SerializedRequest) => ({
        method: req.method,
        url: scrubUrl(req.url ?? ''),
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
