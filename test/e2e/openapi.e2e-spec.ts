/**
 * The OpenAPI document: the committed openapi.json is what the running app
 * builds (CI fails on drift), it is valid OpenAPI 3.1, it covers every route
 * the app serves, and /docs serves the UI and the document.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, DOCS_CSP } from '../../src/openapi/openapi';
import { accessToken, request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

const COMMITTED_PATH = resolve(__dirname, '../../openapi.json');
const committed = JSON.parse(readFileSync(COMMITTED_PATH, 'utf8')) as OpenAPIObject;
const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

function operations(doc: OpenAPIObject): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.flatMap((method) => (item[method] ? [{ method, path, op: item[method] }] : [])));
}

/**
 * "METHOD /path" for every route Fastify serves, read from its own route tree
 * (each level indented four columns and holding the segment it adds to its
 * parent), with Nest's `:param` written as OpenAPI's `{param}`.
 */
function servedRoutes(t: TestApp): string[] {
  const out: string[] = [];
  const prefixes: string[] = [];
  for (const line of t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.search(/[├└]── /);
    const m = /^(.+) \(([A-Z, ]+)\)$/.exec(line.slice(at + 4));
    if (at < 0 || !m) continue;
    const depth = at / 4;
    prefixes[depth] = m[1] as string;
    prefixes.length = depth + 1;
    const path = prefixes.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (m[2] as string).split(', ')) if (method !== 'HEAD' && method !== 'OPTIONS') out.push(`${method} ${path}`);
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is the committed openapi.json (run `npm run openapi` when this fails)', () => {
    const built = buildOpenApiDocument(t.app);
    try {
      expect(built).toEqual(committed);
    } catch (err) {
      throw new Error(`openapi.json is out of date with the code: run \`npm run openapi\` and commit openapi.json.\n${(err as Error).message}`);
    }
  });

  it('is valid OpenAPI 3.1 (checked by an independent validator)', () => {
    // The validator ships as ESM only: run it in a plain Node process rather than through jest's module system.
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      const v = new Validator(); const r = await v.validate(${JSON.stringify(COMMITTED_PATH)});
      process.stdout.write(JSON.stringify({ version: v.version, valid: r.valid, errors: r.errors ?? null }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve(__dirname, '../..'), encoding: 'utf8' })) as unknown;
    expect(result).toEqual({ version: '3.1', valid: true, errors: null });
    expect(committed.openapi).toBe('3.1.0');
  });

  it('holds nothing that depends on the machine: no servers, no port, no issuer', () => {
    expect(committed).not.toHaveProperty('servers');
    expect(JSON.stringify(committed)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\//);
  });

  it('documents every route the app serves, and no other', () => {
    const served = servedRoutes(t).filter((r) => !/ \/docs(\/|$)/.test(r));
    const documented = operations(committed).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(served.length).toBeGreaterThan(15);
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
  });

  it('declares bearer security with the route\'s scope and the problem+json answers on every admin route', () => {
    const admin = operations(committed).filter(({ path }) => path.startsWith('/admin/'));
    expect(admin.length).toBe(11);
    for (const { method, path, op } of admin) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, op.security]).toEqual([where, [{ bearer: [expect.stringMatching(/^admin:[a-z-]+:[a-z]+$/)] }]]);
      const scope = (op.security?.[0]?.bearer ?? [])[0] as string;
      expect([where, op.description]).toEqual([where, expect.stringContaining(`\`${scope}\``)]);
      for (const status of ['400', '401', '403', '503']) {
        const response = op.responses[status] as { content?: Record<string, { schema: unknown }> } | undefined;
        expect([where, status, response?.content]).toEqual([where, status, { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }]);
      }
    }
    expect(committed.paths['/admin/keys']?.get?.security).toEqual([{ bearer: ['admin:keys:read'] }]);
    expect(committed.paths['/admin/signing-keys/rotate']?.post?.security).toEqual([{ bearer: ['admin:signing-keys:write'] }]);
    expect(Object.keys(committed.paths['/admin/keys/{client_id}']?.patch?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403', '404', '409', '503']);
  });

  it('declares the token endpoint\'s form body and both client authentication methods', () => {
    const token = committed.paths['/oauth2/token']?.post;
    const body = token?.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> };
    const form = body.content['application/x-www-form-urlencoded']?.schema;
    expect(Object.keys(form?.properties ?? {})).toEqual(['grant_type', 'scope', 'resource', 'client_id', 'client_secret']);
    expect(form?.required).toEqual(['grant_type']);
    expect(form?.properties.grant_type).toMatchObject({ enum: ['client_credentials'] });
    // client_secret_basic, or client_secret_post (credentials in the form: no header scheme applies).
    expect(token?.security).toEqual([{ basic: [] }, {}]);
    expect(Object.keys(token?.responses ?? {}).sort()).toEqual(['200', '400', '401', '429', '503']);
    expect(token?.responses['401']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } } });
    for (const path of ['/oauth2/introspect', '/oauth2/revoke']) {
      const op = committed.paths[path]?.post;
      expect([path, op?.security]).toEqual([path, [{ basic: [] }, {}]]);
      const content = (op?.requestBody as { content: Record<string, { schema: { required: string[] } }> }).content;
      expect([path, content['application/x-www-form-urlencoded']?.schema.required]).toEqual([path, ['token']]);
    }
    expect(committed.components?.securitySchemes).toEqual({
      basic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
  });

  it('takes request body schemas from the zod validators', async () => {
    const create = committed.paths['/admin/keys']?.post?.requestBody as { content: Record<string, { schema: Record<string, unknown> }> };
    expect(create.content['application/json']?.schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['account_id', 'label', 'scopes'],
      properties: { token_ttl_seconds: { type: 'integer', minimum: 60, maximum: 3600 } },
    });
    // What the schema says is what validation does: an unknown field is refused.
    const token = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
    const res = await request(`${t.baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: 'acc_1', label: 'x', scopes: ['exchange:account:read'], scope: 'typo' }),
    });
    expect(res.status).toBe(400);
  });

  it('serves the document at GET /docs/openapi.json, without a token', async () => {
    const res = await request(`${t.baseUrl}/docs/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(committed);
  });

  it('serves the UI at GET /docs with its assets, under a CSP that lets them load', async () => {
    const page = await fetch(`${t.baseUrl}/docs`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('swagger-ui-bundle.js');
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui-init.js', 'swagger-ui.css']) {
      const res = await fetch(`${t.baseUrl}/docs/${asset}`);
      expect([asset, res.status, res.headers.get('content-security-policy')]).toEqual([asset, 200, DOCS_CSP]);
      await res.arrayBuffer();
    }
  });

  it('keeps the strict API CSP everywhere else', async () => {
    const res = await request(`${t.baseUrl}/.well-known/jwks.json`);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    const lookalike = await request(`${t.baseUrl}/docsx`);
    expect(lookalike.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
  });
});
