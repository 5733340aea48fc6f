/**
 * Units of work. Services say "do these writes atomically" without touching
 * TypeORM; repositories accept the `Tx` they are handed. The group-commit
 * writer, whose statements are the hot path, runs its single statements in
 * autocommit on a bare pooled connection instead (`autocommit`): no
 * QueryRunner, EntityManager or query logger per statement.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** An open transaction, passed from a service to the repositories it calls. */
export type Tx = EntityManager;

/**
 * What a repository needs to run SQL: a `Tx`, or `autocommit()`, where each
 * statement is a transaction of its own. Rows come back as the driver parses them.
 */
export interface Sql {
  query<T = unknown>(text: string, params?: unknown[]): Promise<T>;
}

interface PgPool {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

@Injectable()
export class Transactions {
  private bare: Sql | undefined;

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  /** Statements on the pool TypeORM opened, each committed (or failed) by the time it answers. */
  autocommit(): Sql {
    if (!this.bare) {
      // TypeORM's PostgreSQL driver keeps its node-postgres Pool as `master`; a failed query's connection is discarded by the pool.
      const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
      if (!pool) throw new Error('the data source is not initialized');
      this.bare = { query: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T };
    }
    return this.bare;
  }
}
