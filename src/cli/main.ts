/**
 * `npm run cli -- <command> [options]`: the operator CLI. Same configuration
 * as the service (one clear line and exit 1 when it is wrong), same store
 * (DATABASE_URL or the embedded one under DATA_DIR). Results are JSON on
 * stdout; refusals are problem JSON on stderr with exit code 1.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/app-config';
import { openStore } from './cli-store';
import { runCli } from './run-cli';

async function main(): Promise<number> {
  const config = loadConfig();
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  for (const warning of config.warnings) log(`wagmix-auth: ${warning}`);
  const store = await openStore(config, log);
  try {
    return await runCli(process.argv.slice(2), { config, databaseUrl: store.url });
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const line = err instanceof ConfigError ? `configuration error: ${err.message}` : `failed: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`wagmix-auth: ${line}\n`);
    process.exitCode = 1;
  },
);
