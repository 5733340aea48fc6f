/**
 * Provides the TypeORM DataSource for a PostgreSQL URL resolved at boot (the
 * configured server, or the embedded one), running migrations first unless
 * MIGRATIONS_RUN=false.
 */
import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { StoreHealth } from './store-health';
import { Transactions } from './transactions';

export interface DatabaseModuleOptions {
  readonly url: string;
  readonly runMigrations: boolean;
  readonly poolSize?: number;
}

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const ds = createDataSource(options.url, { poolSize: options.poolSize });
            await ds.initialize();
            if (options.runMigrations) {
              const applied = await ds.runMigrations({ transaction: 'each' });
              if (applied.length > 0) new Logger('Migrations').log(`applied ${applied.map((m) => m.name).join(', ')}`);
            }
            return ds;
          },
        },
        Transactions,
        StoreHealth,
      ],
      exports: [DataSource, Transactions, StoreHealth],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
