/**
 * The store the CLI works on: DATABASE_URL, or the embedded PostgreSQL under
 * DATA_DIR. If the service is running on that embedded store, the CLI
 * connects to the running server (port from its postmaster.pid) instead of
 * starting one: startEmbeddedPostgres would take a running postmaster for a
 * leftover of a crash and stop it, under the service's feet. Otherwise the
 * CLI starts the embedded server and stops it when done.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { resolveLayout } from '../database/embedded-postgres-paths';
import { startEmbeddedPostgres } from '../database/embedded-postgres';

export interface CliStore {
  readonly url: string;
  close(): Promise<void>;
}

// As embedded-postgres.ts lays the cluster out: the superuser's password file inside PGDATA, the app's database.
const PASSWORD_FILE = 'wagmix-password';
const DATABASE = 'wagmix';

export async function openStore(config: AppConfig, log: (line: string) => void): Promise<CliStore> {
  if (config.databaseUrl) return { url: config.databaseUrl, close: async () => undefined };
  const running = await runningEmbeddedUrl(config.dataDir, log);
  if (running) return { url: running, close: async () => undefined };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  return { url: embedded.url, close: () => embedded.stop() };
}

/** The URL of a server already running for this DATA_DIR, if one answers. */
async function runningEmbeddedUrl(dataDir: string, log: (line: string) => void): Promise<string | undefined> {
  const { pgdata } = await resolveLayout(resolve(dataDir), log);
  const pid = await readFile(join(pgdata, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const port = pid?.split('\n')[3]?.trim();
  if (!port || !/^\d+$/.test(port)) return undefined;
  const password = (await readFile(join(pgdata, PASSWORD_FILE), 'utf8').catch(() => '')).trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    log(`using the embedded PostgreSQL already running on 127.0.0.1:${port}`);
    return url;
  } catch {
    return undefined; // a stale pid file: startEmbeddedPostgres clears it
  } finally {
    await client.end().catch(() => undefined);
  }
}
