/**
 * TypeORM's messages through Nest's Logger (so through pino: JSON lines with
 * the request id, redacted), instead of TypeORM's console logger, which prints
 * plain text and appends every query's bound parameters, secret hashes
 * included. Parameters are never logged here. Like `logging: ['error', 'warn']`,
 * only failures and warnings are written: queries, schema and migration chatter
 * stay out (DatabaseModule logs the migrations it applies).
 */
import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

export class NestTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  logQuery(): void {}

  /** A warning: the caller decides what the failure means (a 503 while the store is away, a logged 500 otherwise). */
  logQueryError(error: string | Error, query: string): void {
    this.logger.warn(`query failed (${error instanceof Error ? error.message : error}): ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
