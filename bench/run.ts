/**
 * `npm run bench`: issue 7's side-by-side measurements in one run. Installs
 * the load generator if needed, builds if needed, creates a fresh database
 * (fsync and synchronous_commit checked on), starts our service in production
 * configuration on core 0 with the load generator on core 1, seeds 100 keys,
 * then measures (a) issuance against node-oidc-provider, (b) a guarded route
 * against the same route unguarded, (c) introspection, (d) the audit query
 * (with --audit), optionally --scale and --soak, and writes
 * bench/results/<timestamp>.json and .md. Everything it started is stopped on
 * the way out, and a watchdog bounds the whole run. See bench/README.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteAuditReport, runAuditBench } from './lib/audit';
import { ensureLoadTool, type LoadTool } from './lib/loadgen';
import { loadSnapshot, machineDescription } from './lib/measure';
import { type Ctx, guardedVsUnguarded, introspection, issuance, soak } from './lib/phases';
import { createDatabase, dropDatabase, durability, type PgServer, pinServer, resolveServer } from './lib/pg';
import { scale } from './lib/scale';
import { freePort, hasTaskset, killAllNow, stopAll } from './lib/proc';
import { type BenchResults, type Measurement, renderMarkdown, type TargetCheck, writeResults } from './lib/report';
import { basic, createIntrospectionKey, ensureBuilt, type Service, seedAccountKeys, startService } from './lib/service';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
/** Every value of an option, in order: `--node-arg` may be given more than once. */
const options = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1] as string] : []));
const option = (name: string): string | undefined => options(name)[0];
const AUDIT = flag('--audit') || process.env.BENCH_AUDIT === '1';
const SOAK = flag('--soak');
const SCALE = flag('--scale');
const SOAK_MINUTES = Number(option('--soak-minutes') ?? 10);
const SECONDS = Number(option('--seconds') ?? 12);
const WARMUP = Number(option('--warmup') ?? 3);
/** Node options for our service (e.g. a V8 flag under trial), named in the results' setup. */
const NODE_ARGS = options('--node-arg');
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const KEYS = 100;
const ROOT = join(__dirname, '..');
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

const started = new Date();
const stamp = started.toISOString().replace(/[:.]/g, '-');
const database = `wagmix_bench_${started.toISOString().replace(/\D/g, '').slice(0, 14)}`;
let pg: PgServer | null = null;
/** Puts PostgreSQL's processes back on the cores they had, once pinned. */
let unpinPg: (() => void) | null = null;
/** Once, by whoever comes first: the cleanup, or the exit of a run that skipped it. */
function unpin(): void {
  const undo = unpinPg;
  unpinPg = null;
  undo?.();
}
/** Databases this run created, dropped at the end unless --keep. */
const created: string[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'wagmix-bench-'));

let cleaning: Promise<void> | null = null;
let interrupted = false;
/** Once, whoever asks first (the end of main, a failure, a signal, the watchdog). */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll();
    const server = pg;
    if (server && !flag('--keep')) for (const db of created) await dropDatabase(server.serverUrl, db).catch((e: unknown) => log(`could not drop ${db}: ${String(e)}`));
    unpin();
    await pg?.stop();
    rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

// Bounded whatever happens: minutes for the default run, more for the long options.
const budgetMin = 20 + (SOAK ? SOAK_MINUTES + 5 : 0) + (SCALE ? 20 : 0) + (AUDIT ? 95 : 0);
const watchdog = setTimeout(() => {
  log(`run exceeded ${budgetMin} minutes: stopping everything`);
  void cleanup().finally(() => process.exit(3));
}, budgetMin * 60_000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
process.once('exit', () => {
  unpin();
  killAllNow();
});

const ratio = (a: Measurement | undefined, b: Measurement | undefined): number | null => (a && b && b.load.rps > 0 ? a.load.rps / b.load.rps : null);
const find = (ms: readonly Measurement[], id: string): Measurement | undefined => ms.find((m) => m.id === id);
const check = (name: string, goal: string, value: number | null, fmt: (v: number) => string, ok: (v: number) => boolean): TargetCheck => ({
  name,
  goal,
  measured: value === null ? 'not measured' : fmt(value),
  met: value === null ? null : ok(value),
});

async function main(): Promise<void> {
  const loadBefore = loadSnapshot();
  log(`machine load: ${loadBefore.join('; ')}`);
  const tool: LoadTool = ensureLoadTool(option('--loadgen') === 'autocannon' ? 'autocannon' : undefined, log);
  const build = ensureBuilt(log);
  pg = await resolveServer(log);
  const dbUrl = await createDatabase(pg.serverUrl, database);
  created.push(database);
  const d = await durability(dbUrl);
  log(`SHOW fsync: ${d.fsync}; SHOW synchronous_commit: ${d.synchronousCommit} (${d.version}, ${pg.kind})`);
  // Before the service connects, so its backends are forked onto the core too.
  if (hasTaskset() && !flag('--pg-unpinned')) unpinPg = await pinServer(pg.serverUrl, LOAD_CPU, log);

  const nodeArgs = [...NODE_ARGS, ...(flag('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/results/profiles')}`] : [])];
  let svc: Service = await startService(dbUrl, await freePort(), SERVER_CPU, { nodeArgs });
  log(`service up at ${svc.baseUrl} (pid ${svc.process.pid}); seeding ${KEYS} keys`);
  const keys = await seedAccountKeys(svc, KEYS, ['exchange:account:read', 'exchange:orders:read']);
  const introspector = createIntrospectionKey(svc);
  const authFile = join(workDir, 'auth.txt');
  writeFileSync(authFile, `${keys.map(basic).join('\n')}\n`);

  const results: Measurement[] = [];
  const ctx: Ctx = {
    svc: () => svc,
    keys,
    introspector,
    authFile,
    workDir,
    serverCpu: SERVER_CPU,
    base: { tool, loadCpu: LOAD_CPU, warmupSeconds: WARMUP, seconds: SECONDS, log },
    pg: { serverUrl: pg.serverUrl, database },
    results,
    log,
  };
  const only = option('--only')?.split(',');
  const want = (p: string): boolean => !only || only.includes(p);
  if (want('a')) await issuance(ctx);
  if (want('b')) await guardedVsUnguarded(ctx);
  if (want('c')) await introspection(ctx);
  const scaled = SCALE ? await scale(ctx, { setService: (s) => (svc = s), created: (db) => created.push(db), nodeArgs }) : null;
  const soaked = SOAK ? await soak(ctx, SOAK_MINUTES) : null;
  // Our service's rows only: the peer's and the echo apps' memory is not the target's.
  const rssServer = Math.max(0, ...results.filter((m) => !m.id.startsWith('a.peer') && !m.id.startsWith('b.')).map((m) => m.rssMaxMiB ?? 0));

  const auditError = AUDIT ? await runAuditBench(pg.serverUrl, log) : null;
  const audit = quoteAuditReport(AUDIT ? (auditError ? `run failed: ${auditError}` : 'measured in this run') : 'skipped (run with --audit)');

  const m = (id: string) => find(results, id);
  const ratios: Record<string, number | null> = {
    'issuance ours ÷ peer, 32 connections': ratio(m('a.ours.c32'), m('a.peer.c32')),
    'issuance ours ÷ peer, 100 connections': ratio(m('a.ours.c100'), m('a.peer.c100')),
    'guarded ÷ unguarded (reused token)': ratio(m('b.guarded'), m('b.unguarded')),
  };
  if (scaled) {
    ratios['issuance 1M keys ÷ 100 keys (32 connections)'] = ratio(scaled.keys1m, scaled.keys100);
    ratios['introspection 100k revoked ÷ 0 revoked'] = ratio(scaled.revoked100k, scaled.revoked0);
  }
  let soakSummary: BenchResults['soak'] = null;
  let soakGrowth: number | null = null;
  if (soaked) {
    // Medians per minute: single samples ride the GC sawtooth (a sample just before a major GC reads high).
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const minutes = Array.from({ length: SOAK_MINUTES }, (_, i) => median(soaked.samples.filter((x) => x.atS > i * 60 && x.atS <= (i + 1) * 60).map((x) => x.rssMiB)));
    const first = minutes[0] ?? NaN;
    const last = minutes[minutes.length - 1] ?? NaN;
    soakGrowth = first > 0 && Number.isFinite(last) ? (100 * (last - first)) / first : null;
    soakSummary = {
      samples: soaked.samples,
      summary:
        `RSS median per minute (MiB): ${minutes.map((x) => x.toFixed(0)).join(', ')}: ${soakGrowth?.toFixed(1) ?? '–'} % growth from minute 1 to minute ${SOAK_MINUTES}; ` +
        `${Math.round(soaked.m.load.rps)} tokens/s, p99 ${soaked.m.load.p99Ms.toFixed(1)} ms, ${soaked.m.load.errors} errors.`,
    };
  }
  const pct = (v: number) => `${v.toFixed(1)} %`;
  const x = (v: number) => `${v.toFixed(2)}×`;
  const targets: TargetCheck[] = [
    check('(a) issuance vs peer, 32 connections', '≥ 3×', ratios['issuance ours ÷ peer, 32 connections'] ?? null, x, (v) => v >= 3),
    check('(a) issuance vs peer, 100 connections', '≥ 3×', ratios['issuance ours ÷ peer, 100 connections'] ?? null, x, (v) => v >= 3),
    check('(a) issuance p99 at 32 connections', '≤ 15 ms', m('a.ours.c32')?.load.p99Ms ?? null, (v) => `${v.toFixed(2)} ms`, (v) => v <= 15),
    check('(b) guarded ÷ unguarded', '≥ 0.7', ratios['guarded ÷ unguarded (reused token)'] ?? null, (v) => v.toFixed(2), (v) => v >= 0.7),
    check('(c) introspection', '≥ 10,000/s', m('c.introspect')?.load.rps ?? null, (v) => `${Math.round(v).toLocaleString('en')}/s`, (v) => v >= 10_000),
    audit.target,
    check('resident memory under load', '≤ 250 MB', rssServer > 0 ? rssServer : null, (v) => `${v.toFixed(0)} MiB max`, (v) => v * 2 ** 20 <= 250e6),
    check('no growth over a 10-minute soak', '≤ 5 % (median RSS of minute 1 → last minute)', soakGrowth, pct, (v) => v <= 5),
    check('issuance with 1M keys', '≥ 90 % of 100 keys', scaled ? ratios['issuance 1M keys ÷ 100 keys (32 connections)'] ?? null : null, (v) => pct(100 * v), (v) => v >= 0.9),
    check('validation with 100k revoked jti', '≥ 90 % of none', scaled ? ratios['introspection 100k revoked ÷ 0 revoked'] ?? null : null, (v) => pct(100 * v), (v) => v >= 0.9),
  ];
  const loadAfter = loadSnapshot();
  const results_: BenchResults = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    machine: [...machineDescription(), `${d.version} (${pg.kind}), fsync=${d.fsync}, synchronous_commit=${d.synchronousCommit}, wal_sync_method=${d.walSyncMethod}`],
    load: [`before: ${loadBefore.join('; ')}`, `after: ${loadAfter.join('; ')}`, 'per measurement: the core0/core1 busy % column (all processes on that core)'],
    setup: [
      hasTaskset()
        ? `servers on core ${SERVER_CPU} (taskset -c ${SERVER_CPU}), load generator on core ${LOAD_CPU}; ${
            unpinPg
              ? `PostgreSQL (postmaster and all its processes) pinned to core ${LOAD_CPU} with the load generator, so the service under test has core ${SERVER_CPU} to itself as the peer does (--pg-unpinned leaves it where the kernel puts it)`
              : 'PostgreSQL NOT pinned (it runs where the kernel puts it, competing with both)'
          }`
        : 'taskset missing: nothing pinned',
      'side-by-side rows (ours and the peer at each connection count; guarded and unguarded; the --scale pairs) are measured in halves in ABBA order, so drifting background load weighs on both; their p50 is the halves\' request-weighted mean, their p99 the worse half\'s',
      `load generator: ${tool === 'wrk' ? 'wrk -t1 (bench/load/wrk.lua)' : 'autocannon (fallback: it saturates its one core near 2k req/s, so faster targets and their ratios show its limit, not theirs)'}; warm-up ${WARMUP} s, then ${SECONDS} s measured per row`,
      `our service: node ${NODE_ARGS.map((a) => `${a} `).join('')}dist/src/main.js, NODE_ENV=production, https ISSUER, SECRET_PEPPER and SIGNING_KEY_ENCRYPTION_KEY set, LOG_LEVEL=warn, TOKEN_RATE_LIMIT_PER_MINUTE=0 and INTROSPECTION_RATE_LIMIT_PER_MINUTE=0 (else the per-key limiters cap the bench at 300 tokens/min/key), no REDIS_URL, fresh database ${database}`,
      `${KEYS} account keys created through POST /admin/keys; issuance requests rotate over them (wrk's Lua API has no per-connection hook, so each request takes the next key); body \`grant_type=client_credentials&scope=exchange:account:read exchange:orders:read\` for both servers`,
      'peer: node-oidc-provider 9 (bench/peer/oidc-provider.mjs): client credentials, ES256 JWT access tokens via resourceIndicators, an adapter that persists nothing, the same 100 client ids and secrets (client_secret_basic)',
      '(b): bench/apps/echo-app.ts, GET /bench/echo with @Scopes(exchange:account:read), TokenGuardModule.forRemoteJwks vs no guard module, one token reused',
      '(c): POST /oauth2/introspect by a key holding admin:tokens:introspect (made with the CLI admin:create), about one valid token; each answer commits a token.introspected event',
      'server CPU µs/req: utime+stime of the server process over the measured run ÷ requests; PG: our database\'s backends, + the cluster\'s shared helpers (WAL writer, checkpointer, …, also serving other databases)',
      'PG xacts/req: transactions of our database per request (pg_stat_database; an autocommit SELECT counts as one): a token read and written in one transaction each is 2, grouped writes push it towards 1',
    ],
    measurements: results,
    ratios,
    targets,
    audit: { status: audit.status, lines: audit.lines },
    soak: soakSummary,
    notes: [...(build.note ? [build.note] : []), ...(build.built ? ['dist/ was rebuilt from the working tree before measuring'] : [])],
  };
  const files = writeResults(join(ROOT, 'bench/results'), stamp, results_);
  process.stdout.write(`\n${renderMarkdown(results_)}\nwritten: ${files.json}, ${files.md}\n`);
}

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (err: unknown) => {
    // Once interrupted, the failures are the stopped processes': the signal handler exits.
    if (!interrupted) log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(interrupted ? 130 : 1);
  });
