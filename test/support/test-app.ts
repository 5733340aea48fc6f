/**
 * Starts the whole service over real HTTP on 127.0.0.1 against a fresh cloned
 * database, with a bootstrap admin key, exactly as `npm start` builds it.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AddressInfo, createServer } from 'node:net';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/app-config';
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly db: TestDatabase;
  readonly admin: { readonly clientId: string; readonly secret: string };
  /** Starts another instance on the same database (same secrets and issuer). */
  another(env?: Record<string, string>): Promise<TestApp>;
  close(): Promise<void>;
}

export const TEST_PEPPER = 'test-pepper-0123456789abcdefghijklmnopqrstuvwxyz';
export const TEST_SEAL_KEY = 'test-seal-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface SharedState {
  /** An existing database (dropped by its owner, not by close()). */
  readonly db?: TestDatabase;
  readonly admin?: TestApp['admin'];
  readonly issuer?: string;
}

export async function startTestApp(env: Record<string, string> = {}, shared: SharedState = {}): Promise<TestApp> {
  const db = shared.db ?? (await createTestDatabase());
  const admin = shared.admin ?? { clientId: generateClientId(), secret: generateSecret() };
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    SECRET_PEPPER: TEST_PEPPER,
    SIGNING_KEY_ENCRYPTION_KEY: TEST_SEAL_KEY,
    BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
    BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.secret,
    LOG_LEVEL: 'error',
    ISSUER: shared.issuer ?? `http://127.0.0.1:${port}`,
    ...env,
  });
  const app = await createApp(config, config.databaseUrl ?? db.url);
  await app.listen({ port, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    db,
    admin,
    another: (more = {}) => startTestApp({ ...env, ...more }, { db, admin, issuer: config.issuer }),
    async close() {
      await app.close();
      if (!shared.db) await db.drop();
    },
  };
}

/** A port nobody listens on now, so the issuer URL can be known before the app starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
