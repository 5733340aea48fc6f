import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { TEST_STATE } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.WAGMIX_TEST_SERVER_URL;
  const template = process.env.WAGMIX_TEST_TEMPLATE;
  if (serverUrl && template) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  await TEST_STATE.embedded?.stop();
  if (TEST_STATE.embeddedDir) rmSync(TEST_STATE.embeddedDir, { recursive: true, force: true });
}
