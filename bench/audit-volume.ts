/**
 * Ten million audit events, then how fast the admin API pages, streams and
 * verifies them. Creates its own database on the machine's PostgreSQL,
 * migrates it, loads a synthetic but valid hash chain (bench/audit-data.ts)
 * with the query indexes off, builds them (the AuditQueryIndexes migration's
 * own up()), and records timings and plans in docs/audit-performance.md.
 *
 *   node -r ./bench/audit-swc-register.js bench/audit-volume.ts [--rows 10000000] [--keep] [--reuse] [--no-http] [--no-verify] [--out docs/audit-performance.md]
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * names the server; the database wagmix_bench_audit is dropped at the end
 * unless --keep. --reuse skips the load and measures a kept database.
 */
import { execSync, spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { AuditQueryIndexes1764950400000 } from '../migrations/1764950400000-AuditQueryIndexes';
import { parseListQuery } from '../src/audit/audit-query.dto';
import { AuditQueryService } from '../src/audit/audit-query.service';
import { AuditReadRepository } from '../src/audit/audit-read.repository';
import { AuditVerifier } from '../src/audit/audit-verifier';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { createDataSource, runMigrations } from '../src/database/data-source';
import { generateClientId, generateSecret } from '../src/keys/credentials';
import { AuditDataGenerator, type FlatRow } from './audit-data';
import { type BenchReport, type ScenarioResult, writeReport } from './audit-report';
import { explain, qs, scenarios, timeHttp, timeOnce, timeService } from './audit-scenarios';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const ROWS = Number(args[args.indexOf('--rows') + 1] ?? 0) || 10_000_000;
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_DATABASE_NAME ?? 'wagmix_bench_audit';
const BATCH = 5000;
const OUT = args.includes('--out') ? (args[args.indexOf('--out') + 1] ?? '') : 'docs/audit-performance.md';
const PEPPER = 'bench-pepper-0123456789abcdefghijklmnopqrstuvwxyz';

const dbUrl = () => Object.assign(new URL(SERVER), { pathname: `/${DB}` }).toString();
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const log = (s: string) => process.stderr.write(`[audit-bench] ${s}\n`);

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: SERVER });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

// Fallback when psql is missing: one JSON document per batch, parsed by PostgreSQL in C.
const INSERT = 'INSERT INTO audit_events SELECT * FROM json_populate_recordset(NULL::audit_events, $1::json)';

const COLUMNS = ['id', 'occurred_at', 'type', 'outcome', 'actor_client_id', 'actor_ip', 'actor_user_agent', 'subject_client_id', 'subject_account_id', 'subject_jti', 'reason', 'request_id', 'data', 'prev_hash', 'hash'] as const;

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function copyLine(r: FlatRow): string {
  return `${COLUMNS.map((c) => {
    const v = c === 'data' ? JSON.stringify(r.data) : r[c];
    return v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  }).join('\t')}\n`;
}

/**
 * Streams rows into `COPY audit_events FROM STDIN` through psql, the fastest
 * way in without a COPY-capable driver package: Node computes the chain on one
 * core while PostgreSQL ingests on the other. Null when psql is not installed.
 */
async function copyIn(gen: AuditDataGenerator): Promise<boolean> {
  const psql = spawn('psql', [dbUrl(), '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'COPY audit_events FROM STDIN'], { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => {
    psql.on('error', () => resolve(-1));
    psql.on('exit', (code) => resolve(code));
  });
  const t0 = performance.now();
  for (let done = 0; done < ROWS; done += BATCH) {
    const chunk = gen.next(Math.min(BATCH, ROWS - done)).map(copyLine).join('');
    if (psql.exitCode !== null || psql.stdin.destroyed) break;
    psql.stdin.write(chunk);
    // Keep a few batches queued so PostgreSQL never waits for Node (drain would only fire once the queue is empty).
    while (psql.stdin.writableLength > 4 * chunk.length && psql.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    if ((done / BATCH) % 200 === 0) log(`copied ${done} rows (${secs(t0)})`);
  }
  psql.stdin.end();
  const code = await exited;
  if (code === -1) return false;
  if (code !== 0) throw new Error(`psql COPY failed with exit code ${String(code)}`);
  return true;
}

async function load(ds: DataSource, gen: AuditDataGenerator, phases: [string, string][]): Promise<void> {
  const qr = ds.createQueryRunner();
  const migration = new AuditQueryIndexes1764950400000();
  // Bulk load first, index after: what any operator would do for a backfill, and far faster here.
  await migration.down(qr);
  let t0 = performance.now();
  if (!(await copyIn(gen))) {
    log('psql not found: loading through INSERT … json_populate_recordset (slower)');
    let pending: Promise<unknown> = Promise.resolve();
    for (let done = 0; done < ROWS; done += BATCH) {
      const rows = gen.next(Math.min(BATCH, ROWS - done));
      await pending;
      pending = ds.query(INSERT, [JSON.stringify(rows)]);
      if ((done / BATCH) % 200 === 0) log(`loaded ${done} rows (${secs(t0)})`);
    }
    await pending;
  }
  await ds.query('UPDATE audit_chain_head SET last_id = $1, last_hash = $2', [gen.lastId, gen.lastHash]);
  phases.push([`load ${ROWS.toLocaleString('en')} events (hash chain computed in Node, streamed into COPY through psql)`, secs(t0)]);
  t0 = performance.now();
  // This session is not in a transaction, so the migration's SET LOCAL does not apply here.
  await qr.query("SET maintenance_work_mem = '1GB'");
  await qr.query('SET statement_timeout = 0');
  await migration.up(qr);
  phases.push(['migration AuditQueryIndexes up() on the loaded table (5 indexes, head backfill)', secs(t0)]);
  t0 = performance.now();
  await qr.query('VACUUM (ANALYZE) audit_events');
  phases.push(['VACUUM (ANALYZE) audit_events', secs(t0)]);
  await qr.release();
}

function dropOsCache(): boolean {
  try {
    execSync('sync && echo 3 > /proc/sys/vm/drop_caches', { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const phases: [string, string][] = [];
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const gen = new AuditDataGenerator({ rows: ROWS, clients: 3000, accounts: 1200, days: 30, end });
  if (!flag('--reuse')) {
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${DB}`);
    await runMigrations(dbUrl());
  }
  const ds = createDataSource(dbUrl(), { poolSize: 4, applicationName: 'wagmix-audit-bench' });
  await ds.initialize();
  try {
    if (!flag('--reuse')) await load(ds, gen, phases);
    const env = { NODE_ENV: 'test', DATABASE_URL: dbUrl(), SECRET_PEPPER: PEPPER, SIGNING_KEY_ENCRYPTION_KEY: PEPPER, LOG_LEVEL: 'error', MIGRATIONS_RUN: 'false' };
    const config = loadConfig(env);
    const repo = new AuditReadRepository(ds);
    const service = new AuditQueryService(repo, config);
    const account = gen.accountOf[10] as string;
    const values = { busy: gen.clientIds[10] as string, quiet: gen.clientIds[2500] as string, account, end };
    const list = scenarios(values);

    const notes: string[] = [
      `Load average when the measurements started: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} (1 / 5 / 15 min) on ${cpus().length} cores. Other work on the machine shows up in first, p95, max and cold; the median is the figure to compare.`,
      'Every filter alone and with since/until reads one index range newest first and stops after 51 rows (see the plans): its cost does not grow with the table.',
      'type=token.issued + outcome=failure: both parts are common and their intersection is empty. The page takes its ids from the partial index of failures by type first (src/audit/audit-query.ts), so proving it empty is one short index range; asked for whole rows in one step, the planner walked the primary key through all ten million rows (4.2 s on 2026-12-04). Other such pairs without an index of their own (type=token.denied + outcome=success) remain the documented limit (docs/audit.md, "Querying").',
    ];
    const results: ScenarioResult[] = [];
    for (const s of list) {
      const { timing, rows } = await timeService(service, s.query, 16);
      const plan = await explain(ds, repo, s.query);
      results.push({ name: s.name, query: qs(s.query), rows, service: timing, plan });
      log(`${s.name}: first ${timing.first.toFixed(1)} ms, median ${timing.median.toFixed(2)} ms`);
    }
    if (dropOsCache()) {
      for (const [i, s] of list.entries()) {
        dropOsCache();
        const cold = await timeOnce(async () => (await service.list(parseListQuery(s.query))).items.length);
        results[i] = { ...(results[i] as ScenarioResult), cold: cold.ms };
      }
    } else notes.push('The OS page cache could not be dropped (not root): no cold-cache column.');

    const streams: [string, string][] = [];
    let app: Awaited<ReturnType<typeof createApp>> | null = null;
    if (!flag('--no-http')) {
      const adminKey = { clientId: generateClientId(), secret: generateSecret() };
      app = await createApp(loadConfig({ ...env, BOOTSTRAP_ADMIN_CLIENT_ID: adminKey.clientId, BOOTSTRAP_ADMIN_CLIENT_SECRET: adminKey.secret }), dbUrl());
      await app.listen({ port: 0, host: '127.0.0.1' });
      const baseUrl = await app.getUrl();
      const tokenRes = await fetch(`${baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${adminKey.clientId}:${adminKey.secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials&scope=admin:audit:read',
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      for (const [i, s] of list.entries()) results[i] = { ...(results[i] as ScenarioResult), http: await timeHttp(baseUrl, token, s.query, 10) };
      streams.push(...(await measureExport(baseUrl, token, { outcome: 'failure' })));
    }
    if (!flag('--no-verify')) streams.push(...(await measureVerify(repo)));
    await app?.close();

    const pg = (await ds.query("SELECT version() AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm")) as { v: string; sb: string; wm: string }[];
    const sizes = (await ds.query(`SELECT c.relname AS name, pg_size_pretty(pg_relation_size(c.oid)) AS size FROM pg_class c
      WHERE c.relname = 'audit_events' OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'audit_events'::regclass) ORDER BY pg_relation_size(c.oid) DESC`)) as { name: string; size: string }[];
    const report: BenchReport = {
      command: `node -r ./bench/audit-swc-register.js bench/audit-volume.ts${args.length ? ` ${args.join(' ')}` : ''}`,
      date: new Date().toISOString().slice(0, 10),
      machine: [`${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`, `${pg[0]?.v.split(' on ')[0] ?? 'PostgreSQL'}, shared_buffers ${pg[0]?.sb ?? '?'}, work_mem ${pg[0]?.wm ?? '?'} (stock settings)`, `Node ${process.version}`],
      data: [
        `${ROWS.toLocaleString('en')} events over 30 days ending ${end.toISOString()}, ids and time increasing together`,
        '3,000 API keys (10 admin / resource-server keys, the rest account keys with Zipf(1.07) activity), 1,200 accounts',
        'types: token.issued 62 %, token.introspected 20 %, token.revoked 10 %, token.denied 4 %, access.denied 1.2 %, key.* 2.7 %, signing_key.rotated and audit.pruned rare; about 94 % success',
        `busiest key \`${values.busy}\`, quiet key \`${values.quiet}\`, account \`${values.account}\``,
      ],
      phases: [...phases, ['whole run', secs(started)]],
      sizes: sizes.map((s) => [s.name, s.size]),
      scenarios: results,
      streams,
      notes,
    };
    writeReport(OUT, report);
    log(`wrote ${OUT} (${secs(started)})`);
  } finally {
    await ds.destroy();
    if (!flag('--keep')) await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  }
}

/** Streams a large export over HTTP and samples this process's memory meanwhile (server and client share it). */
async function measureExport(baseUrl: string, token: string, query: Record<string, string>): Promise<[string, string][]> {
  let peak = process.memoryUsage().rss;
  const before = peak;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/admin/audit-events?${qs({ ...query, format: 'ndjson' })}`, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  let lines = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const chunk = reader ? await reader.read() : { done: true, value: undefined };
    if (chunk.done) break;
    bytes += chunk.value.length;
    for (const b of chunk.value) if (b === 10) lines++;
  }
  clearInterval(timer);
  const s = (performance.now() - t0) / 1000;
  return [
    [`GET ?${qs(query)}&format=ndjson`, `${lines.toLocaleString('en')} events, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${s.toFixed(1)} s (${Math.round(lines / s).toLocaleString('en')} events/s)`],
    ['process RSS during that export', `${(before / 2 ** 20).toFixed(0)} MiB before, ${(peak / 2 ** 20).toFixed(0)} MiB peak`],
  ];
}

async function measureVerify(repo: AuditReadRepository): Promise<[string, string][]> {
  let peak = process.memoryUsage().rss;
  const before = peak;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const result = await new AuditVerifier(repo).verify({ onProgress: (n) => n % 1_000_000 < 2000 && log(`verify: ${n}`) });
  clearInterval(timer);
  const s = (performance.now() - t0) / 1000;
  return [
    ['verify (AuditVerifier, as the API and CLI run it)', `${JSON.stringify(result)} in ${s.toFixed(1)} s (${Math.round(result.checked / s).toLocaleString('en')} events/s)`],
    ['process RSS during verify', `${(before / 2 ** 20).toFixed(0)} MiB before, ${(peak / 2 ** 20).toFixed(0)} MiB peak`],
  ];
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
