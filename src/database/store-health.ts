import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Readiness probe of the store, with a short timeout so a hung connection does not hang the probe. */
@Injectable()
export class StoreHealth {
  constructor(private readonly dataSource: DataSource) {}

  async ping(timeoutMs = 1500): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.dataSource.query('SELECT 1').then(() => true as const), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
