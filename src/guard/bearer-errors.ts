/**
 * RFC 6750 §3 answers, as problem+json with the WWW-Authenticate challenge:
 * no token at all is a bare challenge (no error code, §3.1); a bad token is
 * invalid_token; a token without the scope is 403 insufficient_scope.
 */
import { Problem } from '../common/errors/problem';

const quote = (v: string) => `"${v.replace(/["\\]/g, '')}"`;

export function missingToken(realm: string): Problem {
  return new Problem(401, 'Unauthorized', 'A bearer access token is required', 'urn:wagmix:problem:unauthorized').withHeader(
    'WWW-Authenticate',
    `Bearer realm=${quote(realm)}`,
  );
}

export function invalidToken(realm: string, description: string): Problem {
  return new Problem(401, 'Unauthorized', description, 'urn:wagmix:problem:invalid-token').withHeader(
    'WWW-Authenticate',
    `Bearer realm=${quote(realm)}, error="invalid_token", error_description=${quote(description)}`,
  );
}

export function invalidRequest(realm: string, description: string): Problem {
  return new Problem(400, 'Bad Request', description, 'urn:wagmix:problem:invalid-request').withHeader(
    'WWW-Authenticate',
    `Bearer realm=${quote(realm)}, error="invalid_request", error_description=${quote(description)}`,
  );
}

export function insufficientScope(realm: string, scopes: readonly string[]): Problem {
  const scope = scopes.join(' ');
  return new Problem(403, 'Forbidden', `This route needs the scope: ${scope}`, 'urn:wagmix:problem:insufficient-scope', {
    scope,
  }).withHeader('WWW-Authenticate', `Bearer realm=${quote(realm)}, error="insufficient_scope", scope=${quote(scope)}`);
}
