/**
 * Entry point: validate configuration (one clear line and exit 1 when it is
 * wrong), resolve the store (DATABASE_URL or an embedded PostgreSQL under
 * DATA_DIR), then serve.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { createApp } from './app.factory';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

/**
 * Under load about 3 MB/s of request objects outlive two scavenges and reach
 * the old generation, which V8 lets grow to up to four times what survived the
 * last full collection before it collects again: the service peaked at
 * 235-290 MiB resident under load. Growing to 2.5 times at most keeps the peak
 * near 210 MiB. Every cap costs some latency: more frequent full collections
 * (up to 16 ms of pause each on one core) show in the p99 at 32 connections,
 * and 2.5x was the best trade measured (docs/performance.md).
 * V8 reads the factor at every collection, so setting it here works; a
 * `--heap-growing-percent` given to node wins.
 */
const HEAP_GROWING_PERCENT = 150;

async function main(): Promise<void> {
  if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`wagmix-auth: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = new Logger('Main');
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log: (line) => logger.log(line) });
    databaseUrl = embedded.url;
  }
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp(config, databaseUrl);
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  logger.log(`listening on ${config.host}:${config.port}, issuer ${config.issuer}`);

  // Graceful shutdown: stop accepting, let in-flight requests (and their audit writes) finish,
  // close the pool, and only then stop the embedded server the pool was talking to.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining in-flight requests`);
    const force = setTimeout(() => {
      process.stderr.write('wagmix-auth: shutdown took longer than 30 s, exiting\n');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    app
      .close()
      .then(() => embedded?.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`wagmix-auth: unclean shutdown: ${String(err)}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

const SHUTDOWN_TIMEOUT_MS = 30_000;

main().catch((err: unknown) => {
  process.stderr.write(`wagmix-auth: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
