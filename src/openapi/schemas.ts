/**
 * Response schemas of the OpenAPI document (components.schemas). Written as
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect). `objectOf<T>()` lists exactly
 * the keys of the TypeScript type the controller returns, so a field added to
 * or removed from a view fails the type-check here instead of drifting from
 * the document. Request bodies are not here: they come from the zod schemas
 * that validate them (see zod-schema.ts).
 */
import type { SchemaObject } from '@nestjs/swagger';
import type { AuditEventView } from '../audit/audit-event';
import { AUDIT_EVENT_TYPES } from '../audit/audit-event';
import type { VerifyResult } from '../audit/audit-verifier';
import type { KeyView, SecretView } from '../keys/key-view';
import type { TokenResponse } from '../oauth/client-credentials.grant';
import type { SigningKeyView } from '../tokens/signing-key-rotation';
import type { PublicJwk } from '../tokens/signing-keys.service';

export type { SchemaObject };

/** An object schema whose properties are exactly T's keys; `optional` names the keys that may be absent. */
function objectOf<T>(properties: { [K in keyof Required<T>]-?: SchemaObject }, optional: readonly (keyof T)[] = [], extra: SchemaObject = {}): SchemaObject {
  const required = Object.keys(properties).filter((k) => !optional.includes(k as keyof T));
  return { type: 'object', properties, required, ...extra };
}

export type SchemaName =
  | 'SecretView'
  | 'KeyView'
  | 'KeyWithSecret'
  | 'KeyPage'
  | 'AuditEvent'
  | 'AuditEventPage'
  | 'AuditVerifyResult'
  | 'SigningKeyView'
  | 'SigningKeyPage'
  | 'Jwk'
  | 'JwkSet'
  | 'AuthorizationServerMetadata'
  | 'TokenResponse'
  | 'IntrospectionResponse'
  | 'HealthCheckResult'
  | 'OAuthError'
  | 'Problem';

export const ref = (name: SchemaName): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

const str = (description?: string): SchemaObject => (description ? { type: 'string', description } : { type: 'string' });
const dateTime = (description?: string): SchemaObject => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, type: [s.type as string, 'null'] } as SchemaObject);
const CLIENT_ID: SchemaObject = { type: 'string', pattern: '^wgxk_[0-9A-Za-z]{22}$', examples: ['wgxk_4gbtQtEQhiOVJwHLZCxvT4'] };
const CLIENT_SECRET: SchemaObject = {
  type: 'string',
  pattern: '^wgxs_[0-9A-Za-z]{49}$',
  description: 'The client secret, shown in this answer only: store it now, it cannot be read again.',
};

const secretView = objectOf<SecretView>({
  id: str('Identifies the secret (never the secret itself).'),
  created_at: dateTime(),
  expires_at: nullable(dateTime('End of the grace period of a rotated-away secret; null while current.')),
  last_used_at: nullable(dateTime()),
});

const keyView: SchemaObject = objectOf<KeyView>({
  client_id: CLIENT_ID,
  account_id: nullable(str('The Wagmix account the key acts for; null for admin keys.')),
  label: str(),
  scopes: { type: 'array', items: { type: 'string' } },
  allowed_cidrs: { type: 'array', items: { type: 'string' }, description: 'Source addresses allowed to use the key; empty: any.' },
  token_ttl_seconds: { type: 'integer', minimum: 60, maximum: 3600 },
  status: { type: 'string', enum: ['active', 'revoked', 'expired'] },
  created_at: dateTime(),
  expires_at: nullable(dateTime()),
  last_used_at: nullable(dateTime()),
  secrets: { type: 'array', items: ref('SecretView'), description: 'Secrets that still authenticate: metadata only.' },
});

const keyWithSecret: SchemaObject = {
  allOf: [ref('KeyView'), { type: 'object', properties: { client_secret: CLIENT_SECRET }, required: ['client_secret'] }],
};

const page = (item: SchemaName, cursorDescription: string): SchemaObject => ({
  type: 'object',
  properties: { items: { type: 'array', items: ref(item) }, next_cursor: nullable(str(cursorDescription)) },
  required: ['items', 'next_cursor'],
});

const auditEvent = objectOf<AuditEventView>({
  id: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'Position in the hash chain (a decimal string: it may exceed 2^53).' },
  occurred_at: dateTime(),
  type: { type: 'string', enum: [...AUDIT_EVENT_TYPES] },
  outcome: { type: 'string', enum: ['success', 'failure'] },
  actor: {
    type: 'object',
    properties: { client_id: nullable(str()), ip: nullable(str()), user_agent: nullable(str()) },
    required: ['client_id', 'ip', 'user_agent'],
  },
  subject: {
    type: 'object',
    properties: { client_id: nullable(str()), account_id: nullable(str()), jti: nullable(str()) },
    required: ['client_id', 'account_id', 'jti'],
  },
  reason: nullable(str('Why, for a failure (for token.denied: unknown_client, bad_secret, key_revoked, …).')),
  request_id: nullable(str()),
  data: { type: 'object', additionalProperties: true },
  prev_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 over prev_hash and this event.' },
});

const verifyResult = objectOf<VerifyResult>({
  ok: { type: 'boolean' },
  checked: { type: 'integer', minimum: 0, description: 'Events examined, the bad one included.' },
  first_bad_id: nullable(str('The first event that does not hold (or, for a chain cut short, the first missing id).')),
});

const signingKeyView = objectOf<SigningKeyView>({
  kid: str('RFC 7638 thumbprint.'),
  alg: { type: 'string', examples: ['ES256'] },
  state: { type: 'string', enum: ['next', 'active', 'retired'] satisfies SigningKeyView['state'][] },
  created_at: dateTime(),
  activates_at: dateTime('When it starts signing (published in the JWKS before that).'),
  activated_at: nullable(dateTime()),
  retired_at: nullable(dateTime()),
  published: { type: 'boolean', description: 'Whether the JWKS lists it now.' },
});

const jwk = objectOf<PublicJwk>({
  kty: { type: 'string', examples: ['EC'] },
  crv: { type: 'string', examples: ['P-256'] },
  x: str(),
  y: str(),
  kid: str(),
  alg: { type: 'string', examples: ['ES256'] },
  use: { type: 'string', enum: ['sig'] },
});

const tokenResponse = objectOf<TokenResponse>({
  access_token: str('An RFC 9068 JWT (typ at+jwt).'),
  token_type: { type: 'string', enum: ['Bearer'] },
  expires_in: { type: 'integer', minimum: 1, description: 'Seconds; no refresh token: ask again when it expires.' },
  scope: str('Space-separated granted scopes.'),
});

const introspection: SchemaObject = {
  description: 'RFC 7662: `{"active":false}` for a token that is unknown, expired, revoked or not the caller\'s to see; the claims otherwise.',
  type: 'object',
  properties: {
    active: { type: 'boolean' },
    scope: str(),
    client_id: CLIENT_ID,
    sub: str(),
    aud: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    iss: str(),
    exp: { type: 'integer' },
    iat: { type: 'integer' },
    nbf: { type: 'integer' },
    jti: str(),
    token_type: { type: 'string', enum: ['Bearer'] },
    account_id: str('Absent for admin keys.'),
  },
  required: ['active'],
};

const metadata: SchemaObject = {
  description: 'RFC 8414 authorization server metadata. URLs are built from the configured ISSUER.',
  type: 'object',
  properties: {
    issuer: { type: 'string', format: 'uri' },
    token_endpoint: { type: 'string', format: 'uri' },
    jwks_uri: { type: 'string', format: 'uri' },
    introspection_endpoint: { type: 'string', format: 'uri' },
    introspection_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    revocation_endpoint: { type: 'string', format: 'uri' },
    revocation_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    scopes_supported: { type: 'array', items: { type: 'string' } },
    response_types_supported: { type: 'array', items: { type: 'string' } },
    grant_types_supported: { type: 'array', items: { type: 'string' } },
    token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    service_documentation: { type: 'string', format: 'uri' },
    access_token_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
    resource_indicators_supported: { type: 'boolean' },
    resources_supported: { type: 'array', items: { type: 'string' } },
  },
  required: ['issuer', 'token_endpoint', 'jwks_uri', 'grant_types_supported', 'token_endpoint_auth_methods_supported'],
};

const healthStatus: SchemaObject = {
  type: 'object',
  additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } }, required: ['status'], additionalProperties: true },
};

const health: SchemaObject = {
  description: '@nestjs/terminus result: each check under `info` (up) or `error` (down), all of them under `details`.',
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] }, info: healthStatus, error: healthStatus, details: healthStatus },
  required: ['status'],
};

const oauthError: SchemaObject = {
  description: 'RFC 6749 §5.2 error object. The true cause of a client-authentication failure goes only to the audit log.',
  type: 'object',
  properties: {
    error: {
      type: 'string',
      enum: ['invalid_request', 'invalid_client', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target', 'temporarily_unavailable', 'server_error'],
    },
    error_description: str(),
  },
  required: ['error'],
};

const problem: SchemaObject = {
  description: 'RFC 9457 problem details. Validation problems add `errors` naming each field.',
  type: 'object',
  properties: {
    type: { type: 'string', format: 'uri', examples: ['urn:wagmix:problem:validation'] },
    title: str(),
    status: { type: 'integer' },
    detail: str(),
    request_id: str('Quote it when reporting a problem.'),
    errors: { type: 'array', items: { type: 'object', properties: { field: str(), message: str() }, required: ['field', 'message'] } },
  },
  required: ['type', 'title', 'status', 'detail', 'request_id'],
};

export const COMPONENT_SCHEMAS: Readonly<Record<SchemaName, SchemaObject>> = {
  SecretView: secretView,
  KeyView: keyView,
  KeyWithSecret: keyWithSecret,
  KeyPage: page('KeyView', 'Pass as `cursor` for the next page; null on the last page.'),
  AuditEvent: auditEvent,
  AuditEventPage: page('AuditEvent', 'Pass as `cursor` for the next page; null on the last page.'),
  AuditVerifyResult: verifyResult,
  SigningKeyView: signingKeyView,
  SigningKeyPage: page('SigningKeyView', 'Always null: every signing key fits on one page.'),
  Jwk: jwk,
  JwkSet: { type: 'object', properties: { keys: { type: 'array', items: ref('Jwk') } }, required: ['keys'] },
  AuthorizationServerMetadata: metadata,
  TokenResponse: tokenResponse,
  IntrospectionResponse: introspection,
  HealthCheckResult: health,
  OAuthError: oauthError,
  Problem: problem,
};
