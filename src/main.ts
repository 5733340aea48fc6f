/**
 * Entry point: validate configuration (one clear line and exit 1 when it is
 * wrong), resolve the store (DATABASE_URL or an embedded PostgreSQL under
 * DATA_DIR), then serve.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
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
  try {
    const app = await createApp(config, databaseUrl);
    if (embedded) {
      const server = embedded;
      // Nest closes the pool first (shutdown hooks), then the embedded server stops.
      app.getHttpAdapter().getInstance().addHook('onClose', async () => server.stop());
    }
    await app.listen({ port: config.port, host: config.host });
    logger.log(`listening on ${config.host}:${config.port}, issuer ${config.issuer}`);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`wagmix-auth: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
