/**
 * The one description of how to reach PostgreSQL, shared by the app, the
 * migration CLI and the test setup. The schema is the migrations: never
 * `synchronize`.
 */
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { ENTITIES } from './entities';
import { NestTypeOrmLogger } from './typeorm-logger';

export function dataSourceOptions(url: string, overrides: Partial<{ poolSize: number; applicationName: string }> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    logging: ['error'],
    logger: new NestTypeOrmLogger(),
    poolSize: overrides.poolSize ?? 20,
    applicationName: overrides.applicationName ?? 'wagmix-auth',
    extra: {
      // Fail fast when the store is unreachable instead of queueing requests forever.
      connectionTimeoutMillis: 2000,
      statement_timeout: 10000,
    },
  };
}

export function createDataSource(url: string, overrides?: Parameters<typeof dataSourceOptions>[1]): DataSource {
  return new DataSource(dataSourceOptions(url, overrides));
}

/** Applies pending migrations; returns the names of those applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url, { poolSize: 2, applicationName: 'wagmix-auth-migrate' });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
