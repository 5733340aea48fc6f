/**
 * The OpenAPI 3.1 document (@nestjs/swagger) and its serving: the UI at
 * GET /docs, the document at GET /docs/openapi.json. Both are registered on
 * Fastify directly, outside Nest's router, so the global TokenGuard never
 * sees them: they are public like the metadata they describe.
 *
 * Bearer security is derived here from the same @Public/@Scopes metadata the
 * TokenGuard reads, so the document cannot claim a route is open when the
 * guard closes it (or name another scope). The document holds nothing that
 * depends on the machine or the configuration (no servers, no issuer, no
 * port): `npm run openapi` writes the same file everywhere, and the e2e test
 * compares it with the committed openapi.json.
 */
import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IS_PUBLIC, REQUIRED_SCOPES } from '../guard/decorators';
import { problemResponse } from './decorators';
import { COMPONENT_SCHEMAS } from './schemas';
import { sortKeys } from './sort-keys';

export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs/openapi.json';
const VERSION = '1.0.0';

/**
 * Swagger UI needs its own scripts, inline styles and data: images; the API's
 * CSP (default-src 'none') would blank the page. Relaxed for /docs only, and
 * still no framing, no foreign origin, no inline script.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join(';');

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Wagmix Auth')
    .setDescription(
      'OAuth 2.0 client-credentials authorization server for Wagmix API keys. Trade an API key at `POST /oauth2/token` for a short-lived ' +
        'RFC 9068 JWT; verify it offline against `/.well-known/jwks.json`. Admin routes take a bearer token carrying the scope each names. ' +
        'OAuth endpoints answer errors as RFC 6749 §5.2 JSON; every other route as RFC 9457 `application/problem+json`.',
    )
    .setVersion(VERSION)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_secret_basic: client_id and secret, each form-url-encoded (RFC 6749 §2.3.1).' }, 'basic')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /oauth2/token (RFC 6750).' }, 'bearer')
    .build();
  config.components = { ...config.components, schemas: { ...COMPONENT_SCHEMAS } };
  const document = SwaggerModule.createDocument(app, config);
  applyGuardSecurity(app, document);
  // No `servers`: the base URL is each deployment's ISSUER, and the file must not depend on where it was generated.
  const { openapi, info, tags, paths, components, servers: _servers, ...rest } = sortKeys(document);
  return { openapi, info, ...(tags ? { tags } : {}), paths, ...(components ? { components } : {}), ...rest };
}

/** Registers GET /docs (UI, with its assets) and GET /docs/openapi.json. Call before the app starts listening. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Wagmix Auth API',
    // The default would fetch a badge from validator.swagger.io, which the CSP (rightly) refuses.
    swaggerOptions: { validatorUrl: null },
  });
  // onSend, not onRequest: it runs after the API's CSP (set on onRequest, see security-headers.ts) whatever the order of registration.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (req, reply) => {
      const path = req.url.split('?', 1)[0] ?? '';
      if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) void reply.header('content-security-policy', DOCS_CSP);
    });
}

interface RouteMeta {
  readonly operationId: string;
  readonly isPublic: boolean;
  readonly scopes: readonly string[];
}

/** Every route handler with the guard's view of it, as the TokenGuard resolves it (handler first, then class). */
function routeMetadata(app: INestApplication): RouteMeta[] {
  const routes: RouteMeta[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const pick = <T>(key: string): T | undefined => (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
        routes.push({ operationId: `${controller.name}_${name}`, isPublic: pick<boolean>(IS_PUBLIC) === true, scopes: pick<string[]>(REQUIRED_SCOPES) ?? [] });
      }
    }
  }
  return routes;
}

function applyGuardSecurity(app: INestApplication, document: OpenAPIObject): void {
  const operations = new Map<string, Operation>();
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.post, item.patch, item.put, item.delete]) if (op?.operationId) operations.set(op.operationId, op);
  }
  for (const route of routeMetadata(app)) {
    const op = operations.get(route.operationId);
    if (!op) throw new Error(`OpenAPI: no operation ${route.operationId} in the document`);
    if (route.isPublic) {
      // Public routes that declare no client authentication need none: say so, rather than leave it unstated.
      op.security ??= [];
      continue;
    }
    op.security = [{ bearer: [...route.scopes] }];
    const needs = route.scopes.length > 0 ? `with the scope ${route.scopes.map((s) => `\`${s}\``).join(' and ')}` : 'for any scope';
    op.description = [`Requires a bearer token ${needs}.`, op.description].filter(Boolean).join('\n\n');
    const responses = op.responses;
    responses['400'] ??= problemResponse(400, 'Malformed request or Authorization header.');
    for (const status of ['401', '403', '503']) responses[status] ??= problemResponse(Number(status));
  }
}
