/** Every migration applies to an empty database, reverts cleanly through down(), and applies again. */
import { createDataSource } from '../../src/database/data-source';
import { migrations } from '../../migrations';
import { sql } from '../support/db-query';
import { createTestDatabase } from '../support/test-database';

describe('migrations', () => {
  it('go up, all the way down, and up again', async () => {
    const db = await createTestDatabase();
    const ds = createDataSource(db.url, { poolSize: 1 });
    await ds.initialize();
    try {
      // The template is already migrated: walk down every step, then back up.
      for (let i = 0; i < migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      const left = await sql<{ table_name: string }>(
        db.url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
      );
      expect(left).toEqual([]);
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => new m().name));
      const tables = await sql<{ table_name: string }>(
        db.url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((r) => r.table_name)).toEqual(['api_key_secrets', 'api_keys', 'audit_chain_head', 'audit_events', 'migrations', 'signing_keys', 'token_revocations']);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
