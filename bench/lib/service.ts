/**
 * Our service as the bench runs it: the built entry point (`node
 * dist/src/main.js`, what `npm run start:prod` runs), rebuilt first when any
 * source is newer than the build, in production configuration (https issuer,
 * pepper and sealing key set, LOG_LEVEL=warn) with the per-key token and
 * introspection limiters off (0), because 100 keys at thousands of tokens a
 * second would otherwise hit their 300/min default and the bench would
 * measure 429s. Also seeds keys the way an operator would: account keys
 * through the admin API, the introspection key through the CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { type Spawned, spawnPinned, waitForHttp } from './proc';

const ROOT = join(__dirname, '..', '..');
export const ISSUER = 'https://auth.bench.wagmix.invalid';
const PEPPER = 'bench-pepper-0123456789abcdefghijklmnopqrstuvwxyz';
const SEAL_KEY = 'bench-seal-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface Credentials {
  readonly clientId: string;
  readonly secret: string;
}

export const pepper = (): string => PEPPER;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ or migrations/. Type errors are reported, not fatal: tsc still emits. */
export function ensureBuilt(log: (s: string) => void): { built: boolean; note: string | null } {
  const main = join(ROOT, 'dist/src/main.js');
  const stale = !existsSync(main) || Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'migrations'))) > statSync(main).mtimeMs;
  if (!stale) return { built: false, note: null };
  log('building (tsc -p tsconfig.build.json)');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (!existsSync(main)) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) {
    const first = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean).slice(0, 5).join(' | ');
    log(`tsc reported errors (dist was emitted anyway, measuring it): ${first}`);
    return { built: true, note: `tsc reported type errors in the working tree; measured the emitted dist: ${first}` };
  }
  return { built: true, note: null };
}

export interface Service {
  readonly process: Spawned;
  readonly baseUrl: string;
  readonly admin: Credentials;
  readonly env: NodeJS.ProcessEnv;
}

export function serviceEnv(databaseUrl: string, port: number, admin: Credentials): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ISSUER,
    SECRET_PEPPER: PEPPER,
    SIGNING_KEY_ENCRYPTION_KEY: SEAL_KEY,
    BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
    BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.secret,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    // The per-key limiters would cap a bench that spreads thousands of requests a second over 100 keys.
    TOKEN_RATE_LIMIT_PER_MINUTE: '0',
    INTROSPECTION_RATE_LIMIT_PER_MINUTE: '0',
  };
}

export async function startService(databaseUrl: string, port: number, cpu: number, options: { admin?: Credentials; nodeArgs?: readonly string[] } = {}): Promise<Service> {
  const admin = options.admin ?? { clientId: generateClientId(), secret: generateSecret() };
  const env = serviceEnv(databaseUrl, port, admin);
  const p = spawnPinned('wagmix-auth', cpu, process.execPath, [...(options.nodeArgs ?? []), join(ROOT, 'dist/src/main.js')], env, ROOT);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/health/ready`, p, 60_000);
  return { process: p, baseUrl, admin, env };
}

export const basic = (c: Credentials): string => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret)}`).toString('base64')}`;

/** POST {tokenPath} with client_secret_basic; the access token, or an error naming the answer. */
export async function fetchToken(baseUrl: string, tokenPath: string, c: Credentials, body: string): Promise<string> {
  const res = await fetch(`${baseUrl}${tokenPath}`, {
    method: 'POST',
    headers: { authorization: basic(c), 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`token request to ${baseUrl}${tokenPath} answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

/** Account keys created through POST /admin/keys, a few at a time (each commits its key.created event). */
export async function seedAccountKeys(svc: Service, count: number, scopes: readonly string[]): Promise<Credentials[]> {
  const token = await fetchToken(svc.baseUrl, '/oauth2/token', svc.admin, 'grant_type=client_credentials&scope=admin:keys:write');
  const keys: Credentials[] = [];
  const one = async (i: number): Promise<void> => {
    const res = await fetch(`${svc.baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: `acc_bench_${i}`, label: `bench key ${i}`, scopes }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { client_id?: string; client_secret?: string };
    if (res.status !== 201 || !body.client_id || !body.client_secret) throw new Error(`POST /admin/keys answered ${res.status}: ${JSON.stringify(body)}`);
    keys.push({ clientId: body.client_id, secret: body.client_secret });
  };
  for (let i = 0; i < count; i += 4) await Promise.all([i, i + 1, i + 2, i + 3].filter((n) => n < count).map(one));
  return keys;
}

/** A key holding only admin:tokens:introspect, made as an operator would: `npm run cli -- admin:create` (its built form). */
export function createIntrospectionKey(svc: Service): Credentials {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/src/cli/main.js'), 'admin:create', '--label', 'bench introspection', '--scope', 'admin:tokens:introspect'],
    { cwd: ROOT, env: { ...svc.env, MIGRATIONS_RUN: 'false' }, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`cli admin:create failed (${r.status}): ${r.stderr}`);
  const key = JSON.parse(r.stdout) as { client_id: string; client_secret: string };
  return { clientId: key.client_id, secret: key.client_secret };
}
