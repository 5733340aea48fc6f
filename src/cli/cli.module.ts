/**
 * The operator CLI's root module: the same database, audit, token and key
 * modules as the serving app (no HTTP, no start-up key, no timers of the key
 * domain), plus the commands. Configuration and store are resolved before it
 * is built, as for the app (see main.ts).
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { AuditCliModule } from '../audit/audit-cli.module';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { KeysCoreModule } from '../keys/keys-core.module';
import { AdminCreateCommand } from './admin-create.command';
import { CommandSafety } from './command-safety';
import { CLI_IO, type CliIo } from './cli-io';
import { KeysListCommand, KeysShowCommand } from './keys-read.commands';
import { KeysCreateCommand, KeysRevokeCommand, KeysRotateCommand } from './keys-write.commands';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig, databaseUrl: string, io: CliIo): DynamicModule {
    return {
      module: CliModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({ url: databaseUrl, runMigrations: config.migrationsRun, poolSize: 4 }),
        CommonModule,
        AuditModule,
        AuditCliModule,
        KeysCoreModule,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: CLI_IO, useValue: io },
        CommandSafety,
        KeysCreateCommand,
        KeysListCommand,
        KeysShowCommand,
        KeysRotateCommand,
        KeysRevokeCommand,
        AdminCreateCommand,
      ],
      exports: [AppConfig],
    };
  }
}
