/**
 * The actor of key events made with the CLI: no admin key (the operator acts
 * with database access), but the operating-system user and host in the user
 * agent and a request id of its own, so the audit log still says who.
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Actor } from '../keys/key-events';

export function operatorActor(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): keep "unknown".
  }
  return { clientId: null, context: { ip: null, userAgent: `wagmix-auth-cli (${user}@${hostname()})`, requestId: `cli-${randomUUID()}` } };
}
