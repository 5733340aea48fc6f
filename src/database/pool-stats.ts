/**
 * Pool usage for the metrics endpoint, read from TypeORM's PostgreSQL driver
 * here so that nothing outside database/ reaches into TypeORM. `waiting` above
 * zero means requests queue for a connection: the pool (or the server) is the
 * bottleneck.
 */
import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

export interface PoolSnapshot {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

@Injectable()
export class PoolStats {
  constructor(private readonly dataSource: DataSource) {}

  /** null before the pool exists or after it is closed. */
  snapshot(): PoolSnapshot | null {
    if (!this.dataSource.isInitialized) return null;
    // TypeORM types the driver's pool as `any`: check the shape rather than trust it.
    const pool = (this.dataSource.driver as { master?: unknown }).master as Partial<Pool> | undefined;
    if (!pool || typeof pool.totalCount !== 'number' || typeof pool.idleCount !== 'number' || typeof pool.waitingCount !== 'number') return null;
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options?.max ?? 0 };
  }
}
