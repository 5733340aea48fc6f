/**
 * Decides what a token request gets: its scopes (RFC 6749 §3.3; default all of
 * the key's) and its audience (from the scopes, or narrowed by an RFC 8707
 * `resource`). Pure logic, so every rule has a unit test.
 */
import { InvalidRequest, InvalidScope, InvalidTarget } from '../common/errors/oauth-error';
import type { ScopeCatalog } from '../config/scope-catalog';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export interface Grant {
  readonly scopes: string[];
  /** One audience as a string, several as an array (RFC 7519 §4.1.3). */
  readonly aud: string | string[];
}

export function decideGrant(
  catalog: ScopeCatalog,
  keyScopes: readonly string[],
  requestedScope: string | undefined,
  resource: string | undefined,
): Grant {
  if (resource !== undefined) checkResourceSyntax(resource);
  let scopes: string[];
  if (requestedScope === undefined || requestedScope.trim() === '') {
    scopes = [...keyScopes];
    if (resource !== undefined) {
      if (!catalog.audiences.has(resource)) throw new InvalidTarget(`Unknown resource "${resource.slice(0, 100)}"`);
      scopes = scopes.filter((s) => catalog.audienceOf.get(s) === resource);
      if (scopes.length === 0) throw new InvalidTarget('This key holds no scope for the requested resource');
    }
  } else {
    scopes = [...new Set(requestedScope.trim().split(/ +/))];
    for (const s of scopes) {
      if (!SCOPE_TOKEN.test(s)) throw new InvalidScope('The scope parameter holds characters outside RFC 6749 §3.3');
      if (!catalog.audienceOf.has(s)) throw new InvalidScope(`Unknown scope "${s.slice(0, 100)}"`);
      if (!keyScopes.includes(s)) throw new InvalidScope(`The scope "${s}" is not granted to this key`);
    }
    if (resource !== undefined) {
      if (!catalog.audiences.has(resource)) throw new InvalidTarget(`Unknown resource "${resource.slice(0, 100)}"`);
      const foreign = scopes.find((s) => catalog.audienceOf.get(s) !== resource);
      if (foreign) throw new InvalidScope(`The scope "${foreign}" is not for the resource "${resource}"`);
    }
  }
  const audiences = [...new Set(scopes.map((s) => catalog.audienceOf.get(s) as string))].sort();
  return { scopes, aud: audiences.length === 1 ? (audiences[0] as string) : audiences };
}

/** RFC 8707 §2: an absolute URI without a fragment. */
function checkResourceSyntax(resource: string): void {
  let ok = false;
  try {
    const u = new URL(resource);
    ok = !resource.includes('#') && u.protocol.length > 1;
  } catch {
    ok = false;
  }
  if (!ok) throw new InvalidTarget('resource must be an absolute URI without a fragment (RFC 8707)');
}

export function requireSingleLine(name: string, value: string | undefined): void {
  if (value !== undefined && /[\r\n]/.test(value)) throw new InvalidRequest(`${name} must not contain line breaks`);
}
