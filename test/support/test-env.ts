import type { EmbeddedPostgres } from '../../src/database/embedded-postgres';

/** Shared between global setup and teardown, which jest runs in the same process. */
export const TEST_STATE: { embedded?: EmbeddedPostgres; embeddedDir?: string } = {};

/** The same server URL pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}
