/**
 * Documentation decorators for the controllers: one vocabulary for the two
 * error formats (RFC 6749 §5.2 on /oauth2/*, RFC 9457 problem+json elsewhere),
 * the OAuth form bodies and the client-authentication alternatives. Bearer
 * security and the guard's own answers (400/401/403/503) are not here: they
 * are derived from @Public/@Scopes in openapi.ts, so they cannot drift from
 * what the guard enforces.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse, ApiSecurity, type ResponseObject, type SchemaObject } from '@nestjs/swagger';
import { FORM_CONTENT_TYPE } from '../oauth/form';
import { ref, type SchemaName } from './schemas';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

type HeaderMap = Record<string, { description: string; schema: SchemaObject }>;

const RETRY_AFTER: HeaderMap = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } };
const NO_STORE: HeaderMap = {
  'Cache-Control': { description: 'no-store: the answer carries credentials or token state.', schema: { type: 'string', enum: ['no-store'] } },
  Pragma: { description: 'no-cache, for HTTP/1.0 caches.', schema: { type: 'string', enum: ['no-cache'] } },
};

export const PROBLEM_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request: `errors` names each field and what is wrong with it.',
  401: 'No bearer token, or a bad, expired or revoked one (`WWW-Authenticate: Bearer …`, RFC 6750).',
  403: 'The token lacks the scope this route needs (`insufficient_scope`, RFC 6750).',
  404: 'No such resource.',
  409: 'The resource is not in a state that allows this change.',
  503: 'The store is unavailable: retry after `Retry-After` seconds.',
};

const PROBLEM_HEADERS: Readonly<Record<number, HeaderMap>> = {
  401: { 'WWW-Authenticate': { description: 'The Bearer challenge (RFC 6750 §3).', schema: { type: 'string' } } },
  503: RETRY_AFTER,
};

/** The problem+json response object for `status` (also used by openapi.ts for the guard's answers). */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Problem.'): ResponseObject {
  const headers = PROBLEM_HEADERS[status];
  return { description, ...(headers ? { headers } : {}), content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } };
}

/** RFC 9457 problem answers a route gives besides the guard's (validation, not found, conflict). */
export function ApiProblems(...statuses: (number | [number, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((s) => {
      const [status, description] = Array.isArray(s) ? s : [s, undefined];
      return ApiResponse({ status, ...problemResponse(status, description) });
    }),
  );
}

const OAUTH_ERRORS: Readonly<Record<number, { description: string; headers?: HeaderMap }>> = {
  400: { description: 'invalid_request, unsupported_grant_type, invalid_scope or invalid_target (RFC 6749 §5.2, RFC 8707).', headers: NO_STORE },
  401: {
    description:
      'invalid_client: unknown client, wrong secret, revoked or expired key, or source address not allowed, all answered alike. `WWW-Authenticate: Basic` when Basic was (or could have been) used.',
    headers: { 'WWW-Authenticate': { description: 'Basic realm="wagmix-auth", charset="UTF-8"', schema: { type: 'string' } }, ...NO_STORE },
  },
  429: { description: 'temporarily_unavailable: too many requests (or failed authentications) for this client and address.', headers: { ...RETRY_AFTER, ...NO_STORE } },
  503: { description: 'temporarily_unavailable: the token store is unavailable.', headers: { ...RETRY_AFTER, ...NO_STORE } },
};

/** RFC 6749 §5.2 error answers of an OAuth endpoint. */
export function ApiOAuthErrors(...statuses: (keyof typeof OAUTH_ERRORS)[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => {
      const e = OAUTH_ERRORS[status] ?? { description: 'OAuth error.' };
      return ApiResponse({ status, ...e, content: { 'application/json': { schema: ref('OAuthError') } } });
    }),
  );
}

/** A JSON success answer with a component schema. */
export function ApiJson(status: number, schema: SchemaName, description: string, options: { contentType?: string; noStore?: boolean } = {}): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, ...(options.noStore ? { headers: NO_STORE } : {}), content: { [options.contentType ?? 'application/json']: { schema: ref(schema) } } });
}

const CLIENT_CREDENTIALS = {
  client_id: { type: 'string', description: 'client_secret_post only: the client id (with client_secret; not together with Basic).' },
  client_secret: { type: 'string', description: 'client_secret_post only: the client secret.' },
} satisfies Record<string, SchemaObject>;

const FORMS = {
  token: {
    type: 'object',
    properties: {
      grant_type: { type: 'string', enum: ['client_credentials'], description: 'RFC 6749 §4.4: the only grant.' },
      scope: { type: 'string', description: 'Space-separated subset of the key\'s scopes; default: all of them.' },
      resource: { type: 'string', format: 'uri', description: 'RFC 8707 audience to narrow the token to, such as urn:wagmix:exchange.' },
      ...CLIENT_CREDENTIALS,
    },
    required: ['grant_type'],
  },
  token_management: {
    type: 'object',
    properties: {
      token: { type: 'string', description: 'The access token.' },
      token_type_hint: { type: 'string', enum: ['access_token'], description: 'Optional; only access tokens exist here.' },
      ...CLIENT_CREDENTIALS,
    },
    required: ['token'],
  },
} satisfies Record<string, SchemaObject>;

/**
 * An OAuth endpoint: form body and client authentication by `client_secret_basic`
 * (the `basic` scheme) or `client_secret_post` (credentials in the form: the
 * empty requirement `{}`, since OpenAPI has no scheme for body credentials).
 * Each parameter at most once, else invalid_request.
 */
export function ApiOAuthClientEndpoint(form: keyof typeof FORMS): MethodDecorator {
  return applyDecorators(
    ApiConsumes(FORM_CONTENT_TYPE),
    ApiBody({ schema: FORMS[form], required: true, description: 'Each parameter at most once (RFC 6749 §3.2).' }),
    ApiSecurity('basic'),
    ApiSecurity({}),
  );
}

export { NO_STORE };
