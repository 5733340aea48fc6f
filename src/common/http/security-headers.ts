/**
 * Security headers on every response (tuned for a JSON API: nothing may be
 * framed, scripted or sniffed), and CORS only for the origins configured in
 * CORS_ORIGINS. Fastify sends no x-powered-by.
 *
 * The headers are the ones @fastify/helmet 13 (helmet 8) sent for this
 * configuration, written out: they depend only on the configuration, and
 * helmet re-derived them on every request (about 5 % of the token endpoint's
 * CPU). One onRequest hook sets the precomputed set, at the point helmet did,
 * so a route or a later hook (the /docs CSP in openapi.ts) can still override one.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../config/app-config';

/** Lower-case names: Fastify's reply.header lower-cases every name it is given, so it has nothing to change. */
function securityHeaders(config: Pick<AppConfig, 'issuer'>): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    // HSTS only where the issuer is served over TLS: on plain-http development it would only confuse browsers.
    ...(config.issuer.startsWith('https://') ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    // 0 turns off the legacy XSS auditor, which could itself be abused to leak data.
    'x-xss-protection': '0',
  });
}

export function installSecurityHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const headers = securityHeaders(config);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_req, reply, done) => {
      reply.headers(headers);
      done();
    });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'PATCH'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'www-authenticate', 'retry-after'],
      maxAge: 600,
    });
  }
}
