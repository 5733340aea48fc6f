/**
 * RFC 6749 §2.3.1 / RFC 7617 parsing of `Authorization: Basic`, done right:
 * split on the FIRST colon only, then form-url-decode each half (clients
 * encode client_id and secret with application/x-www-form-urlencoded before
 * base64). passport-http splits on every colon and skips the decoding.
 */
export type BasicParse =
  | { readonly kind: 'absent' }
  | { readonly kind: 'other-scheme' }
  | { readonly kind: 'malformed'; readonly why: string }
  | { readonly kind: 'ok'; readonly clientId: string; readonly secret: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseBasicAuthorization(header: string | undefined): BasicParse {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  const m = /^\s*(\S+)(?:\s+(\S*))?\s*$/.exec(header);
  if (!m || (m[1] as string).toLowerCase() !== 'basic') return { kind: 'other-scheme' };
  const token = m[2] ?? '';
  if (!token || token.length % 4 !== 0 || !BASE64.test(token)) return { kind: 'malformed', why: 'credentials are not valid base64' };
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'malformed', why: 'credentials have no ":" separator' };
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (clientId === null || secret === null) return { kind: 'malformed', why: 'credentials are not valid form-url-encoding' };
  if (clientId === '') return { kind: 'malformed', why: 'client_id is empty' };
  return { kind: 'ok', clientId, secret };
}

/** application/x-www-form-urlencoded decoding of one value; null when a %-escape is broken. */
export function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
