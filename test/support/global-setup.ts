/**
 * Test database, once per `npm test`: the machine's PostgreSQL when
 * DATABASE_URL is set, otherwise an embedded one in a temporary directory.
 * Migrations run once into a template database; every e2e file then clones
 * it (`CREATE DATABASE … TEMPLATE`, see test/support/test-database.ts).
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '../../src/database/data-source';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { databaseUrl, TEST_STATE } from './test-env';

export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'wagmix-test-pg-'));
    // mkdtemp makes it 0700: as root, the postgres user must be able to enter it, or the cluster goes elsewhere.
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({ dataDir: dir });
    TEST_STATE.embedded = pg;
    TEST_STATE.embeddedDir = dir;
    serverUrl = pg.url;
  }
  const template = `wagmix_tpl_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  await runMigrations(databaseUrl(serverUrl, template));
  process.env.WAGMIX_TEST_SERVER_URL = serverUrl;
  process.env.WAGMIX_TEST_TEMPLATE = template;
}
