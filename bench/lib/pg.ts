/**
 * PostgreSQL for `npm run bench`: the machine's server (BENCH_DATABASE_URL,
 * default the local one) or, when none answers, an embedded one
 * (src/database/embedded-postgres.ts) in a temporary directory; a fresh
 * database per run; the durability settings, checked and reported; the CPU
 * its processes spend (backends of our database, and the cluster's shared
 * helpers such as the WAL writer, reported apart because other databases use
 * them too); and the bulk rows of the --scale runs, written straight in SQL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { childrenOf, cpuMicros, parentPid } from './proc';

export interface PgServer {
  /** A URL of the server's maintenance database (`postgres`). */
  readonly serverUrl: string;
  readonly kind: 'machine' | 'embedded';
  stop(): Promise<void>;
}

export const withDatabase = (serverUrl: string, database: string): string => Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();

export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export async function resolveServer(log: (s: string) => void): Promise<PgServer> {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    await query(url, 'SELECT 1');
    return { serverUrl: url, kind: 'machine', stop: async () => undefined };
  } catch (err) {
    log(`no PostgreSQL at ${new URL(url).host} (${String(err)}): starting an embedded one`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'wagmix-bench-pg-'));
  let embedded: EmbeddedPostgres;
  try {
    embedded = await startEmbeddedPostgres({ dataDir: dir, log });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    serverUrl: withDatabase(embedded.url, 'postgres'),
    kind: 'embedded',
    stop: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  await query(serverUrl, `CREATE DATABASE ${name}`);
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await query(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export interface Durability {
  readonly fsync: string;
  readonly synchronousCommit: string;
  readonly walSyncMethod: string;
  readonly version: string;
}

/** What the issue demands: fsync and synchronous_commit on, as the database itself reports them. */
export async function durability(dbUrl: string): Promise<Durability> {
  const show = async (name: string) => ((await query<Record<string, string>>(dbUrl, `SHOW ${name}`))[0] ?? {})[name] ?? '?';
  const d = {
    fsync: await show('fsync'),
    synchronousCommit: await show('synchronous_commit'),
    walSyncMethod: await show('wal_sync_method'),
    version: ((await query<{ v: string }>(dbUrl, 'SELECT version() AS v'))[0]?.v ?? '?').split(' on ')[0] ?? '?',
  };
  if (d.fsync !== 'on' || d.synchronousCommit !== 'on') {
    throw new Error(`the bench needs durable commits: SHOW fsync = ${d.fsync}, SHOW synchronous_commit = ${d.synchronousCommit}`);
  }
  return d;
}

export interface PgCpuSnapshot {
  readonly at: Map<number, { cpu: number; cls: 'ours' | 'shared' }>;
  /** Transactions of our database so far (commits + rollbacks): per request, how well commits are grouped. */
  readonly xacts: number;
  /** Of which rolled back (a refused batch, a failed statement): should stay near 0. */
  readonly rollbacks: number;
}

/** CPU of the cluster's processes: client and autovacuum backends of `database`, and the shared helpers. */
export async function pgCpuSnapshot(serverUrl: string, database: string): Promise<PgCpuSnapshot> {
  // Asked through the maintenance database, so this query's own backend is not counted as ours.
  const rows = await query<{ pid: number; datname: string | null; backend_type: string }>(serverUrl, 'SELECT pid, datname, backend_type FROM pg_stat_activity');
  const at = new Map<number, { cpu: number; cls: 'ours' | 'shared' }>();
  for (const r of rows) {
    const cls = r.datname === database ? 'ours' : r.datname === null ? 'shared' : null;
    if (cls === null) continue;
    const cpu = cpuMicros(r.pid);
    if (cpu !== null) at.set(r.pid, { cpu, cls });
  }
  const stats = await query<{ n: string; r: string }>(serverUrl, 'SELECT (xact_commit + xact_rollback)::text AS n, xact_rollback::text AS r FROM pg_stat_database WHERE datname = $1', [database]);
  return { at, xacts: Number(stats[0]?.n ?? 0), rollbacks: Number(stats[0]?.r ?? 0) };
}

/** CPU spent between two snapshots, µs: processes present at the end, counted from the first (or from their start). */
export function pgCpuBetween(a: PgCpuSnapshot, b: PgCpuSnapshot): { ours: number; shared: number; xacts: number; rollbacks: number } {
  const out = { ours: 0, shared: 0, xacts: b.xacts - a.xacts, rollbacks: b.rollbacks - a.rollbacks };
  for (const [pid, end] of b.at) out[end.cls] += end.cpu - (a.at.get(pid)?.cpu ?? 0);
  return out;
}

/**
 * `count` extra account keys, each with one secret, straight into the tables
 * with generate_series. client_id has the contract's format (22 chars from an
 * md5, a subset of base62) and the hash is HMAC-SHA-256(pepper, secret) as
 * src/keys/credentials.ts stores it (pgcrypto's hmac; plain sha256 where the
 * extension is missing, same width). Their secrets are never presented, so
 * their checksum is not computed: these keys only make the store big.
 */
export async function insertFillerKeys(dbUrl: string, count: number, pepper: string): Promise<{ hash: 'hmac' | 'sha256' }> {
  let hash: 'hmac' | 'sha256' = 'hmac';
  try {
    await query(dbUrl, 'CREATE EXTENSION IF NOT EXISTS pgcrypto');
  } catch {
    hash = 'sha256';
  }
  const secret = `'wgxs_' || substr(md5('s' || g) || md5('t' || g), 1, 43) || '000000'`;
  const hashExpr = hash === 'hmac' ? `hmac(convert_to(${secret}, 'UTF8'), convert_to($1::text, 'UTF8'), 'sha256')` : `sha256(convert_to($1::text || ${secret}, 'UTF8'))`;
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO api_keys (client_id, account_id, label, scopes, token_ttl_seconds, created_at, expires_at)
       SELECT 'wgxk_' || substr(md5('wagmix-bench-key-' || g), 1, 22), 'acc_fill_' || (g % 200000), 'bench filler',
              ARRAY['exchange:account:read', 'exchange:orders:read'], 900, now() - g * interval '1 second', now() + interval '90 days'
         FROM generate_series(1, $1::int) g`,
      [count],
    );
    await c.query(
      `INSERT INTO api_key_secrets (client_id, secret_hash, created_at)
       SELECT 'wgxk_' || substr(md5('wagmix-bench-key-' || g), 1, 22), ${hashExpr}, now() - g * interval '1 second'
         FROM generate_series(1, $2::int) g`,
      [pepper, count],
    );
    await c.query('COMMIT');
    await settle(c, ['api_keys', 'api_key_secrets']);
  } finally {
    await c.end();
  }
  return { hash };
}

/**
 * After a bulk load: vacuum and analyze (so autovacuum does not wake up in the
 * middle of the next measurement) and checkpoint (so the measured run does not
 * pay for flushing a million rows' pages).
 */
async function settle(c: Client, tables: readonly string[]): Promise<void> {
  for (const t of tables) await c.query(`VACUUM (ANALYZE) ${t}`);
  // Needs superuser or pg_checkpoint; without it the next measurement pays for part of the flush (the shared PG CPU column shows it).
  await c.query('CHECKPOINT').catch(() => undefined);
}

/** `count` revoked token ids (the jti format: 22 base64url chars), live for two hours; no NOTIFY: a restart rebuilds the state. */
export async function insertRevokedJtis(dbUrl: string, count: number): Promise<void> {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO token_revocations (kind, subject, revoked_at, expires_at, reason)
       SELECT 'token', rtrim(translate(encode(substr(sha256(convert_to('bench-jti-' || g, 'UTF8')), 1, 16), 'base64'), '+/', '-_'), '='),
              now(), now() + interval '2 hours', 'bench'
         FROM generate_series(1, $1::int) g`,
      [count],
    );
    await settle(c, ['token_revocations']);
  } finally {
    await c.end();
  }
}

/**
 * Pins the server's postmaster and every process it has forked to `cpu`
 * (backends forked later inherit it), so PostgreSQL shares the load
 * generator's core instead of taking time from the service under test: in
 * production the database has its own machine. Returns the undo (the
 * original mask on the postmaster and all its children), or null when the
 * server is not a local process this user may pin.
 */
export async function pinServer(serverUrl: string, cpu: number, log: (s: string) => void): Promise<(() => void) | null> {
  const host = new URL(serverUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) return null;
  // A long-lived helper (this query's own backend is gone once it answers): its parent is the postmaster.
  const [row] = await query<{ pid: number }>(serverUrl, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
  const postmaster = row ? parentPid(row.pid) : null;
  if (!postmaster || !/^postgres/.test(readFileSync(`/proc/${postmaster}/comm`, 'utf8'))) return null;
  const original = /mask: ([0-9a-f]+)/.exec(execFileSync('taskset', ['-p', String(postmaster)], { encoding: 'utf8' }))?.[1];
  if (!original) return null;
  const set = (pid: number, mask: string[]): void => void execFileSync('taskset', ['-a', '-p', ...mask, String(pid)], { stdio: 'ignore' });
  /** The postmaster first (it throws when this user may not), then every process it has forked. */
  const setAll = (mask: string[]): void => {
    set(postmaster, mask);
    for (const pid of childrenOf(postmaster)) {
      try {
        set(pid, mask);
      } catch {
        // A backend that exited meanwhile.
      }
    }
  };
  try {
    setAll(['-c', String(cpu)]);
  } catch (err) {
    log(`could not pin PostgreSQL (pid ${postmaster}) to core ${cpu}: ${String(err)}`);
    return null;
  }
  log(`PostgreSQL (postmaster ${postmaster} and its processes) pinned to core ${cpu}; mask ${original} restored at the end`);
  return () => {
    try {
      setAll([original]);
    } catch (err) {
      log(`could not restore PostgreSQL's CPU mask ${original}: ${String(err)}`);
    }
  };
}
