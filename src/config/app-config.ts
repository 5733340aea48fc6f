/**
 * Typed configuration, validated once at boot. `loadConfig` is the only reader
 * of process.env; everything else receives an `AppConfig`.
 */
import { resolve } from 'node:path';
import { isValidClientId } from '../keys/credentials';
import { envSchema, type Env } from './config.schema';
import { loadOrCreateLocalSecrets } from './local-secrets';
import { buildScopeCatalog, type ScopeCatalog } from './scope-catalog';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

export interface AppConfigValues {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** Unset means "start an embedded PostgreSQL under dataDir". */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly issuer: string;
  readonly bootstrapAdmin: { readonly clientId: string; readonly secret: string } | undefined;
  readonly secretPepper: string;
  readonly signingKeyEncryptionKey: string;
  readonly redisUrl: string | undefined;
  readonly migrationsRun: boolean;
  readonly trustedProxies: readonly string[];
  readonly tokenTtlMaxSeconds: number;
  /** Cap for a token carrying any scope that ends in `:write` (see docs/keys.md). */
  readonly tokenTtlWriteMaxSeconds: number;
  /** API key lifetimes: the default when a key is created without `expires_at`, and the longest allowed. */
  readonly keyDefaultLifetimeDays: number;
  readonly keyMaxLifetimeDays: number;
  /** A key holding a money-moving write scope must have an IP allow-list. */
  readonly requireAllowlistForWriteScopes: boolean;
  readonly clockSkewSeconds: number;
  /** Staged signing-key rotation: automatic every `rotationDays` (0: on demand only); a new key is published `leadSeconds` before it signs. */
  readonly signingKeys: { readonly rotationDays: number; readonly leadSeconds: number; readonly refreshSeconds: number };
  /** Failed client authentications per (client_id, source address) before growing blocks. */
  readonly lockout: { readonly threshold: number; readonly windowMs: number; readonly baseBlockMs: number; readonly maxBlockMs: number };
  /** Per-key request rates (0 disables); counted per authenticated key. */
  readonly rateLimits: { readonly tokenPerMinute: number; readonly introspectionPerMinute: number };
  /** Browser origins allowed by CORS; empty: CORS off. */
  readonly corsOrigins: readonly string[];
  readonly scopes: ScopeCatalog;
  readonly logLevel: Env['LOG_LEVEL'];
  /** undefined: decided at start (pretty only outside production when stdout is a terminal). */
  readonly logFormat: Env['LOG_FORMAT'];
  /** GET /metrics: off, or guarded by a bearer token and/or source addresses (both optional). */
  readonly metrics: { readonly enabled: boolean; readonly token: string | undefined; readonly allowCidrs: readonly string[] };
  /** Audit events older than this many whole days are pruned (with an `audit.pruned` checkpoint); undefined: kept forever. */
  readonly auditRetentionDays: number | undefined;
  /** Notes produced while loading (for example generated secrets), logged once at boot. */
  readonly warnings: readonly string[];
}

/** Injection token and value in one: the class merges with the interface of the same name. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends AppConfigValues {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }
}

/** Parses and checks the environment; throws `ConfigError` naming the first bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'is invalid');
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.DATA_DIR);
  const warnings: string[] = [];

  let pepper = env.SECRET_PEPPER;
  let sealKey = env.SIGNING_KEY_ENCRYPTION_KEY;
  if (production) {
    if (!pepper) throw new ConfigError('SECRET_PEPPER', 'is required when NODE_ENV=production (a string of at least 32 characters)');
    if (!sealKey)
      throw new ConfigError(
        'SIGNING_KEY_ENCRYPTION_KEY',
        'is required when NODE_ENV=production (a string of at least 32 characters)',
      );
  } else if (!pepper || !sealKey) {
    const local = loadOrCreateLocalSecrets(dataDir);
    if (!pepper) {
      pepper = local.secretPepper;
      warnings.push(`SECRET_PEPPER is not set: using the development value kept in ${local.file}`);
    }
    if (!sealKey) {
      sealKey = local.signingKeyEncryptionKey;
      warnings.push(`SIGNING_KEY_ENCRYPTION_KEY is not set: using the development value kept in ${local.file}`);
    }
  }

  const clientId = env.BOOTSTRAP_ADMIN_CLIENT_ID || undefined;
  const secret = env.BOOTSTRAP_ADMIN_CLIENT_SECRET || undefined;
  if (clientId && !secret) throw new ConfigError('BOOTSTRAP_ADMIN_CLIENT_SECRET', 'is required when BOOTSTRAP_ADMIN_CLIENT_ID is set');
  if (secret && !clientId) throw new ConfigError('BOOTSTRAP_ADMIN_CLIENT_ID', 'is required when BOOTSTRAP_ADMIN_CLIENT_SECRET is set');
  if (clientId && !isValidClientId(clientId))
    throw new ConfigError('BOOTSTRAP_ADMIN_CLIENT_ID', 'must be "wgxk_" followed by 22 base62 characters');
  if (secret && secret.length < 32)
    throw new ConfigError('BOOTSTRAP_ADMIN_CLIENT_SECRET', 'must be a wgxs_ secret or a string of at least 32 characters');

  if (env.KEY_DEFAULT_LIFETIME_DAYS > env.KEY_MAX_LIFETIME_DAYS)
    throw new ConfigError('KEY_DEFAULT_LIFETIME_DAYS', `must not exceed KEY_MAX_LIFETIME_DAYS (${env.KEY_MAX_LIFETIME_DAYS})`);

  const issuer = (env.ISSUER || `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  if (production && !issuer.startsWith('https://'))
    throw new ConfigError('ISSUER', 'must be an https:// URL when NODE_ENV=production (RFC 8414 §2)');

  return new AppConfig({
    production,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir,
    issuer,
    bootstrapAdmin: clientId && secret ? { clientId, secret } : undefined,
    secretPepper: pepper as string,
    signingKeyEncryptionKey: sealKey as string,
    redisUrl: env.REDIS_URL,
    migrationsRun: env.MIGRATIONS_RUN,
    trustedProxies: env.TRUSTED_PROXIES,
    tokenTtlMaxSeconds: env.TOKEN_TTL_MAX_SECONDS,
    tokenTtlWriteMaxSeconds: env.TOKEN_TTL_WRITE_MAX_SECONDS,
    keyDefaultLifetimeDays: env.KEY_DEFAULT_LIFETIME_DAYS,
    keyMaxLifetimeDays: env.KEY_MAX_LIFETIME_DAYS,
    requireAllowlistForWriteScopes: env.REQUIRE_ALLOWLIST_FOR_WRITE_SCOPES,
    clockSkewSeconds: env.CLOCK_SKEW_SECONDS,
    signingKeys: { rotationDays: env.SIGNING_KEY_ROTATION_DAYS, leadSeconds: env.SIGNING_KEY_LEAD_SECONDS, refreshSeconds: env.SIGNING_KEY_REFRESH_SECONDS },
    lockout: {
      threshold: env.LOCKOUT_THRESHOLD,
      windowMs: env.LOCKOUT_WINDOW_SECONDS * 1000,
      baseBlockMs: env.LOCKOUT_BASE_SECONDS * 1000,
      maxBlockMs: env.LOCKOUT_MAX_SECONDS * 1000,
    },
    rateLimits: { tokenPerMinute: env.TOKEN_RATE_LIMIT_PER_MINUTE, introspectionPerMinute: env.INTROSPECTION_RATE_LIMIT_PER_MINUTE },
    corsOrigins: env.CORS_ORIGINS,
    scopes: buildScopeCatalog(
      { exchange: env.AUDIENCE_EXCHANGE, coin: env.AUDIENCE_COIN, admin: env.AUDIENCE_ADMIN },
      env.SCOPE_CATALOG_EXTRA,
    ),
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    metrics: { enabled: env.METRICS_ENABLED, token: env.METRICS_TOKEN, allowCidrs: env.METRICS_ALLOW_CIDRS },
    auditRetentionDays: env.AUDIT_RETENTION_DAYS > 0 ? env.AUDIT_RETENTION_DAYS : undefined,
    warnings,
  });
}
