/**
 * Runs one CLI command in a fresh Nest application context and returns the
 * exit code: 0 done, 1 refused or failed (a problem on stderr), or
 * commander's own code for usage errors and --help. Used by main.ts and, in
 * process, by the tests.
 */
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import type { AppConfig } from '../config/app-config';
import { CliModule } from './cli.module';
import { type CliIo, printError, processIo } from './cli-io';
import { CommandSafety } from './command-safety';

/** commander's errors carry their exit code; its message was already written. */
const isCommanderError = (err: unknown): err is Error & { exitCode: number; code: string } =>
  err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === 'number' && String((err as { code?: unknown }).code).startsWith('commander.');

export async function runCli(args: readonly string[], options: { config: AppConfig; databaseUrl: string; io?: CliIo }): Promise<number> {
  const io = options.io ?? processIo;
  let exitCode = 0;
  const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(options.config, options.databaseUrl, io), {
    cliName: 'wagmix-auth',
    logger: ['error', 'warn'],
    errorHandler: (err) => {
      throw err;
    },
    serviceErrorHandler: (err) => {
      if (isCommanderError(err)) exitCode = err.exitCode;
      else {
        printError(io, err);
        exitCode = 1;
      }
    },
  });
  try {
    app.get(CommandSafety).apply(io);
    const before = process.exitCode;
    await app.get(CommandRunnerService).run(['node', 'wagmix-auth', ...args]);
    // A command may report failure through process.exitCode (audit:verify does): take it as ours and restore it.
    if (process.exitCode !== before) {
      if (exitCode === 0 && typeof process.exitCode === 'number') exitCode = process.exitCode;
      process.exitCode = before;
    }
  } finally {
    await app.close();
  }
  return exitCode;
}
