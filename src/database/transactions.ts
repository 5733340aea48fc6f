/**
 * Units of work. Services say "do these writes atomically" without touching
 * TypeORM; repositories accept the `Tx` they are handed. The group-commit
 * writer, whose transactions are the hot path, opens its own on a bare pooled
 * connection instead (`begin`): no QueryRunner, EntityManager or query logger
 * per transaction, and BEGIN rides in the round trip of the first statement.
 */
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** An open transaction, passed from a service to the repositories it calls. */
export type Tx = EntityManager;

/**
 * What a repository needs of a transaction to run SQL. Both a `Tx` and an
 * `OpenTx` have it; rows come back as the driver parses them.
 */
export interface Sql {
  query<T = unknown>(text: string, params?: unknown[]): Promise<T>;
}

/** A transaction on a bare connection; `commit` or `rollback` ends it and gives the connection back. */
export interface OpenTx extends Sql {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

interface PgClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] } | { rows: unknown[] }[]>;
}

@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }

  /**
   * Opens a READ COMMITTED transaction and runs `first` (a statement without
   * parameters) in the same round trip; returns its rows. `first` runs after
   * BEGIN as a statement of its own, so with READ COMMITTED the statements
   * that follow it see whatever committed while it waited for a lock.
   */
  async begin<R>(first: string): Promise<{ tx: OpenTx; rows: R[] }> {
    const [client, release] = (await (this.dataSource.driver as unknown as { obtainMasterConnection(): Promise<[PgClient, (err?: unknown) => void]> }).obtainMasterConnection());
    let released = false;
    // An error leaves the connection in an unknown state: the pool then discards it rather than reuse it.
    const end = async (sql: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
      if (released) return;
      released = true;
      try {
        await client.query(sql);
        release();
      } catch (err) {
        release(err);
        throw err;
      }
    };
    const tx: OpenTx = {
      query: async <T>(text: string, params?: unknown[]) => ((await client.query(text, params)) as { rows: unknown[] }).rows as T,
      commit: () => end('COMMIT'),
      rollback: () => end('ROLLBACK'),
    };
    try {
      // Two statements in one simple-protocol query: node-postgres returns one result per statement.
      const results = (await client.query(`BEGIN ISOLATION LEVEL READ COMMITTED; ${first}`)) as { rows: unknown[] }[];
      return { tx, rows: (results[1]?.rows ?? []) as R[] };
    } catch (err) {
      await tx.rollback().catch(() => undefined);
      throw err;
    }
  }
}
