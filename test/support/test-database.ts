/**
 * One fresh, migrated database per e2e file, cloned from the template that
 * global setup migrated. Dropped when the file ends.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl } from './test-env';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

function serverEnv(): { serverUrl: string; template: string } {
  const serverUrl = process.env.WAGMIX_TEST_SERVER_URL;
  const template = process.env.WAGMIX_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('test database server not prepared: run through jest (global setup)');
  return { serverUrl, template };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { serverUrl, template } = serverEnv();
  const name = `wagmix_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(serverUrl, name),
    name,
    async drop() {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
