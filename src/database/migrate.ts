/**
 * `npm run migration:run`: applies pending migrations to DATABASE_URL (or to
 * the embedded store under DATA_DIR) and exits. The docker-compose migrate
 * service runs this before the app starts with MIGRATIONS_RUN=false.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/app-config';
import { runMigrations } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres';

async function migrate(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir });
  try {
    const applied = await runMigrations(config.databaseUrl ?? (embedded as { url: string }).url);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
  } finally {
    await embedded?.stop();
  }
}

migrate().catch((err: unknown) => {
  const line = err instanceof ConfigError ? `configuration error: ${err.message}` : `migration failed: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`wagmix-auth: ${line}\n`);
  process.exit(1);
});
