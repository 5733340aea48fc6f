/**
 * The opaque list cursor: the position after which the next page starts,
 * which is the last listed key. Versioned so its form can change without
 * breaking a cursor a client holds across a deploy.
 */
import { Problem } from '../common/errors/problem';
import { isValidClientId } from './credentials';

const PREFIX = 'k1:';

export function encodeKeyCursor(clientId: string): string {
  return Buffer.from(PREFIX + clientId, 'utf8').toString('base64url');
}

/** The client_id the cursor points after; a 400 problem naming `cursor` when it is not one of ours. */
export function decodeKeyCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const clientId = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  if (!isValidClientId(clientId)) throw invalidCursor();
  return clientId;
}

export function invalidCursor(): Problem {
  return Problem.badRequest('cursor: not a cursor this API returned', { errors: [{ field: 'cursor', message: 'not a cursor this API returned' }] });
}
