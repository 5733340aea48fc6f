import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const LONG = 'x'.repeat(32);

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wagmix-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });
  const problem = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    throw new Error('expected a ConfigError');
  };

  it('has working defaults outside production', () => {
    const c = load({});
    expect(c.port).toBe(3000);
    expect(c.issuer).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.migrationsRun).toBe(true);
    expect(c.tokenTtlMaxSeconds).toBe(3600);
    expect(c.tokenTtlWriteMaxSeconds).toBe(300);
    expect(c.keyDefaultLifetimeDays).toBe(90);
    expect(c.keyMaxLifetimeDays).toBe(365);
    expect(c.requireAllowlistForWriteScopes).toBe(true);
    expect(c.scopes.audienceOf.get('exchange:orders:write')).toBe('urn:wagmix:exchange');
    expect(c.scopes.audienceOf.get('admin:tokens:introspect')).toBe('urn:wagmix:admin');
  });

  it('generates the development secrets once and keeps them in DATA_DIR', () => {
    const first = load({});
    const second = load({});
    expect(first.secretPepper).toHaveLength(43);
    expect(second.secretPepper).toBe(first.secretPepper);
    expect(second.signingKeyEncryptionKey).toBe(first.signingKeyEncryptionKey);
    expect(first.warnings.join('\n')).toMatch(/SECRET_PEPPER is not set/);
    expect(JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8'))).toHaveProperty('secretPepper', first.secretPepper);
  });

  it('derives the issuer from PORT and strips a trailing slash from ISSUER', () => {
    expect(load({ PORT: '8080' }).issuer).toBe('http://localhost:8080');
    expect(load({ ISSUER: 'https://auth.wagmix.example/' }).issuer).toBe('https://auth.wagmix.example');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535, got 70000'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ SECRET_PEPPER: 'short' }, 'SECRET_PEPPER must be at least 32 characters'],
    [{ ISSUER: 'https://a.example/?x=1' }, 'ISSUER must be an http(s) URL without query or fragment (RFC 8414 §2)'],
    [{ MIGRATIONS_RUN: 'maybe' }, 'MIGRATIONS_RUN must be true or false'],
    [{ TRUSTED_PROXIES: '10.0.0.0/8, nonsense' }, 'TRUSTED_PROXIES "nonsense" is not an IP address or CIDR'],
    [{ BOOTSTRAP_ADMIN_CLIENT_ID: 'admin' , BOOTSTRAP_ADMIN_CLIENT_SECRET: LONG }, 'BOOTSTRAP_ADMIN_CLIENT_ID must be "wgxk_" followed by 22 base62 characters'],
    [{ BOOTSTRAP_ADMIN_CLIENT_ID: 'wgxk_0000000000000000000000' }, 'BOOTSTRAP_ADMIN_CLIENT_SECRET is required when BOOTSTRAP_ADMIN_CLIENT_ID is set'],
    [{ BOOTSTRAP_ADMIN_CLIENT_ID: 'wgxk_0000000000000000000000', BOOTSTRAP_ADMIN_CLIENT_SECRET: 'short' }, 'BOOTSTRAP_ADMIN_CLIENT_SECRET must be a wgxs_ secret or a string of at least 32 characters'],
    [{ NODE_ENV: 'production' }, 'SECRET_PEPPER is required when NODE_ENV=production (a string of at least 32 characters)'],
    [{ NODE_ENV: 'production', SECRET_PEPPER: LONG }, 'SIGNING_KEY_ENCRYPTION_KEY is required when NODE_ENV=production (a string of at least 32 characters)'],
    [{ NODE_ENV: 'production', SECRET_PEPPER: LONG, SIGNING_KEY_ENCRYPTION_KEY: LONG }, 'ISSUER must be an https:// URL when NODE_ENV=production (RFC 8414 §2)'],
    [{ KEY_DEFAULT_LIFETIME_DAYS: '400' }, 'KEY_DEFAULT_LIFETIME_DAYS must not exceed KEY_MAX_LIFETIME_DAYS (365)'],
    [{ TOKEN_TTL_WRITE_MAX_SECONDS: '30' }, 'TOKEN_TTL_WRITE_MAX_SECONDS must be between 60 and 3600, got 30'],
    [{ REQUIRE_ALLOWLIST_FOR_WRITE_SCOPES: 'sometimes' }, 'REQUIRE_ALLOWLIST_FOR_WRITE_SCOPES must be true or false'],
    [{ SCOPE_CATALOG_EXTRA: '{"x y":"urn:a"}' }, 'SCOPE_CATALOG_EXTRA must be a JSON object mapping scope to audience'],
  ])('stops on %j with one line naming the variable', (env, message) => {
    const text = problem(env);
    expect(text).toBe(message);
    expect(text).not.toContain('\n');
  });

  it('accepts a complete production configuration without touching DATA_DIR', () => {
    const c = load({ NODE_ENV: 'production', SECRET_PEPPER: LONG, SIGNING_KEY_ENCRYPTION_KEY: LONG, ISSUER: 'https://auth.example' });
    expect(c.production).toBe(true);
    expect(c.warnings).toEqual([]);
  });
});
