/**
 * How every log line is built: JSON lines through pino, and secrets scrubbed
 * centrally whatever code logs them. A line about a request carries its id as
 * `request_id` (the id Fastify generated or accepted and sends back as
 * `x-request-id`) because the code writing it says so: `logger.warn({
 * request_id }, 'message')`. There is deliberately no AsyncLocalStorage scope
 * to find it implicitly: on Node 20 an active one puts a hook on every promise
 * the process creates, about a fifth of a token issuance's CPU
 * (docs/performance.md).
 */
import { type LevelWithSilent, type LoggerOptions, stdTimeFunctions } from 'pino';

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
 * `formatters`), and only for lines that are written: pino's own wildcard
 * `redact` paths cost about 68 µs per request, more than signing the token.
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
  // Only plain data (the request line copies its headers into some); errors reach the line through pino's serializer.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const r = SENSITIVE.has(key.toLowerCase()) ? REDACTED : redact(item, depth + 1);
    if (r !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = r;
  }
  return copy ?? value;
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
  };
}
