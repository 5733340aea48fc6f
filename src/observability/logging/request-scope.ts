/**
 * The request being served, for code that logs without holding it: every
 * line written while a request is in flight carries its id. Entered in the
 * first Fastify hook (see request-log.ts), so guards, handlers and the
 * services they call all run inside it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  readonly requestId: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
