/**
 * No container engine runs here, so the container setup is checked as files:
 * docker-compose.yml's service graph, images, health checks and variables (the
 * app's environment must even load as valid configuration), the Dockerfile's
 * stages, and that every variable the service reads is documented in the
 * README's configuration table and in docs/operations.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/app-config';
import { envSchema } from '../../src/config/config.schema';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
  restart?: string;
  ports?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};
const APP_VARIABLES = Object.keys(envSchema.shape);

/** Compose interpolation: `${X:-default}`, `${X:?message}` (required) and `${X}`, with the values an operator would set. */
function interpolate(value: string, set: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    const given = set[name];
    if (given !== undefined && given !== '') return given;
    if (op === '?') throw new Error(`compose requires ${name}: ${arg ?? ''}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

/** The variable names in the first column of the markdown tables under `heading`, up to the next h1/h2 outside code blocks. */
function documented(markdown: string, heading: RegExp): Set<string> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) throw new Error(`no section matching ${heading}`);
  const names = new Set<string>();
  let fenced = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && /^#{1,2} /.test(line)) break;
    const first = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1] as string);
  }
  return names;
}

describe('docker-compose.yml', () => {
  it('has PostgreSQL 15, Redis 7, a one-shot migrate service and the app, built from the Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'migrate', 'postgres', 'redis']);
    expect(service('postgres').image).toMatch(/^postgres:15([.-]|$)/);
    expect(service('redis').image).toMatch(/^redis:7([.-]|$)/);
    expect(service('migrate').build).toBe('.');
    expect(service('app').build).toBe('.');
    expect(service('migrate').restart).toBe('no');
  });

  it('starts the app only after the migration succeeded and PostgreSQL and Redis are healthy', () => {
    expect(service('app').depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(service('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('health-checks PostgreSQL with pg_isready, Redis with PING and the app on /health/ready', () => {
    expect(service('postgres').healthcheck?.test.join(' ')).toMatch(/pg_isready -U wagmix -d wagmix/);
    expect(service('redis').healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(service('app').healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/health/ready');
    for (const name of ['postgres', 'redis', 'app']) {
      expect(service(name).healthcheck).toMatchObject({ interval: expect.stringMatching(/^\d+s$/), timeout: expect.stringMatching(/^\d+s$/) });
      expect(service(name).healthcheck?.retries).toBeGreaterThanOrEqual(3);
    }
  });

  it('migrate runs the same migration entry point as `npm run migration:run`; the app does not migrate', () => {
    expect(service('migrate').command).toEqual(['node', 'dist/src/database/migrate.js']);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['migration:run']).toMatch(/node dist\/src\/database\/migrate\.js$/);
    expect(service('app').environment?.MIGRATIONS_RUN).toBe('false');
    expect(service('migrate').environment?.MIGRATIONS_RUN).toBeUndefined();
  });

  it('sets only variables the service reads, and requires the two secrets instead of defaulting them', () => {
    for (const name of ['app', 'migrate']) {
      const unknown = Object.keys(service(name).environment ?? {}).filter((k) => !APP_VARIABLES.includes(k));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
    const raw = read('docker-compose.yml');
    expect(raw).toMatch(/SECRET_PEPPER: \$\{SECRET_PEPPER:\?/);
    expect(raw).toMatch(/SIGNING_KEY_ENCRYPTION_KEY: \$\{SIGNING_KEY_ENCRYPTION_KEY:\?/);
    expect(() => interpolate(service('app').environment?.SECRET_PEPPER ?? '', {})).toThrow('compose requires SECRET_PEPPER');
  });

  it("gives the app an environment that loads as production configuration: shared store, Redis, no start-up migration", () => {
    const operator = { SECRET_PEPPER: 'p'.repeat(40), SIGNING_KEY_ENCRYPTION_KEY: 's'.repeat(40) };
    const env = Object.fromEntries(Object.entries(service('app').environment ?? {}).map(([k, v]) => [k, interpolate(String(v), operator)]));
    const config = loadConfig(env);
    expect(config.production).toBe(true);
    expect(config.databaseUrl).toBe('postgres://wagmix:wagmix-dev-password@postgres:5432/wagmix');
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.migrationsRun).toBe(false);
    expect(config.issuer).toBe('https://auth.wagmix.localhost');
    expect(config.port).toBe(3000);
    expect(service('app').ports).toEqual(['3000:3000']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages[stages.length - 1] ?? '';

  it('is multi-stage: built with dev dependencies, run with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/RUN npm run build/);
    expect(final).toMatch(/RUN npm ci [^\n]*--omit=dev/);
    expect(final).not.toMatch(/npm (install|i) /);
    expect(final).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(final).not.toMatch(/COPY --from=build \/app\/node_modules/);
    expect(final).toMatch(/ENV NODE_ENV=production/);
    expect(final).toMatch(/CMD \["node", "dist\/src\/main\.js"\]/);
  });

  it('runs as a non-root user and checks readiness', () => {
    const users = [...final.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThanOrEqual(1);
    const user = users[users.length - 1] as string;
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(final).toMatch(/HEALTHCHECK [\s\S]*\/health\/ready/);
  });

  it('never copies local data (development secrets), dependencies or git history into the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.git', 'dist']));
  });
});

describe('configuration documentation', () => {
  it('documents every variable the service reads in the README configuration table', () => {
    const names = documented(read('README.md'), /^## Configuration$/);
    expect(APP_VARIABLES.filter((v) => !names.has(v))).toEqual([]);
  });

  it('documents every variable the service reads, and those docker-compose.yml reads, in docs/operations.md', () => {
    const names = documented(read('docs/operations.md'), /^## Configuration$/);
    expect(APP_VARIABLES.filter((v) => !names.has(v))).toEqual([]);
    const composeVariables = [...read('docker-compose.yml').matchAll(/\$\{(\w+)/g)].map((m) => m[1] as string);
    expect([...new Set(composeVariables)].filter((v) => !names.has(v))).toEqual([]);
  });
});
