/**
 * The embedded PostgreSQL fallback against real servers: persistence across restarts, recovery
 * from a server orphaned by a SIGKILLed owner, a stale pid file, and running as root (postgres
 * user, unreachable data dir or binaries) and as a normal user. Every server is stopped and every
 * directory removed; afterAll checks that no postmaster for any of our clusters is left running.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import {
  bundledBinaries,
  POINTER_FILE,
  postgresUser,
  reachableBinDir,
  runsAs,
  STATE_ROOT,
} from '../../src/database/embedded-postgres-paths';

jest.setTimeout(30_000);

const FIXTURE = join(__dirname, '..', 'fixtures', 'start-embedded.js');
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const notRoot = isRoot ? '' : ' (skipped: not running as root)';

const servers: EmbeddedPostgres[] = [];
const children: ChildProcess[] = [];
const clusters = new Set<string>(); // every PGDATA a test used
const removeAfter: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  // Safety net for a failed test: stop any server still holding one of our clusters.
  for (const pgdata of clusters) await interruptPostmaster(pgdata);
  for (const dir of removeAfter.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  expect(postmastersFor([...clusters])).toEqual([]);
});

function tempDir(mode = 0o755): string {
  const dir = mkdtempSync(join(tmpdir(), 'wagmix-ep-test-'));
  chmodSync(dir, mode);
  removeAfter.push(dir);
  return dir;
}

async function start(
  dataDir: string,
  pgdata = join(dataDir, 'postgres'),
): Promise<{ pg: EmbeddedPostgres; logs: string[] }> {
  clusters.add(pgdata);
  const logs: string[] = [];
  const pg = await startEmbeddedPostgres({ dataDir, log: (line) => logs.push(line) });
  servers.push(pg);
  return { pg, logs };
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function insertMarker(url: string, value: string): Promise<void> {
  await query(url, 'CREATE TABLE IF NOT EXISTS marker (value text NOT NULL)');
  await query(url, 'INSERT INTO marker (value) VALUES ($1)', [value]);
}

async function markers(url: string): Promise<string[]> {
  return (await query<{ value: string }>(url, 'SELECT value FROM marker ORDER BY value')).map((r) => r.value);
}

function postmasterPid(pgdata: string): number {
  return Number.parseInt(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
}

/** Live (non-zombie) processes whose command line names one of the clusters. */
function postmastersFor(pgdatas: string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue; // exited meanwhile
    }
    if (pgdatas.some((dir) => cmdline.includes(dir))) found.push(`${pid} ${cmdline}`);
  }
  return found;
}

async function interruptPostmaster(pgdata: string): Promise<void> {
  if (postmastersFor([pgdata]).length === 0 || !existsSync(join(pgdata, 'postmaster.pid'))) return;
  process.kill(postmasterPid(pgdata), 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && existsSync(join(pgdata, 'postmaster.pid')); i++) await sleep(100);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs test/fixtures/start-embedded.js (optionally through a user-switching command); resolves with its URL. */
function startFixture(
  dataDir: string,
  asUser: string[] = [],
): { child: ChildProcess; url: Promise<string>; exited: Promise<number | null> } {
  const [command = process.execPath, ...args] = [...asUser, process.execPath, FIXTURE, dataDir];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => reject(new Error(`fixture exited with ${code}: ${stderr}`)));
  });
  return { child, url, exited };
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

test('keeps rows across stop and start, on a free port that is not 5432', async () => {
  const dataDir = join(tempDir(), 'data'); // does not exist yet: created on demand
  const first = await start(dataDir);
  expect(first.pg.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/wagmix$/);
  expect(new URL(first.pg.url).port).not.toBe('5432');
  expect(first.logs).toContainEqual(
    expect.stringMatching(/listening on 127\.0\.0\.1:\d+, data in .*\/data\/postgres \(new cluster\)$/),
  );
  await insertMarker(first.pg.url, 'survives restart');
  const durability = "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS commit";
  expect(await query(first.pg.url, durability)).toEqual([{ fsync: 'on', commit: 'on' }]);

  await first.pg.stop();
  await first.pg.stop(); // idempotent
  expect(postmastersFor([join(dataDir, 'postgres')])).toEqual([]);
  await expect(query(first.pg.url, 'SELECT 1')).rejects.toThrow();

  const second = await start(dataDir);
  expect(await markers(second.pg.url)).toEqual(['survives restart']);
  expect(second.logs).toEqual([expect.stringMatching(/listening on .*\/data\/postgres$/)]); // and no recovery needed
  expect(existsSync(join(dataDir, 'postgres', 'server.log'))).toBe(true); // server output goes there, not to stdout
});

test('recovers the server left running when its owner process is SIGKILLed', async () => {
  const dataDir = tempDir();
  const pgdata = join(dataDir, 'postgres');
  clusters.add(pgdata);
  const owner = startFixture(dataDir);
  await insertMarker(await owner.url, 'written before SIGKILL');
  const orphan = postmasterPid(pgdata);

  owner.child.kill('SIGKILL');
  await owner.exited;
  expect(postmastersFor([pgdata])).not.toEqual([]); // the server really was left behind

  const { pg, logs } = await start(dataDir);
  expect(logs).toContainEqual(expect.stringContaining(`stopping leftover server (pid ${orphan})`));
  expect(await markers(pg.url)).toEqual(['written before SIGKILL']);
  expect(postmasterPid(pgdata)).not.toBe(orphan);
});

test('starts despite a stale postmaster.pid naming a live unrelated process', async () => {
  const dataDir = tempDir();
  const pgdata = join(dataDir, 'postgres');
  const { pg } = await start(dataDir);
  const pidFile = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8');
  await pg.stop();
  // As after a crash and reboot: the pid file survived and its pid now belongs to another process.
  // As root it runs as the postgres user, so PostgreSQL itself would refuse to start on seeing it alive.
  const unrelated = spawn('sleep', ['30'], isRoot ? postgresUser(() => undefined) : {});
  children.push(unrelated);
  writeFileSync(join(pgdata, 'postmaster.pid'), pidFile.replace(/^\d+/, String(unrelated.pid)));

  const restarted = await start(dataDir);
  expect(restarted.logs).toContainEqual(
    expect.stringContaining(`removing stale postmaster.pid (pid ${unrelated.pid} `),
  );
  expect(await query(restarted.pg.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
});

(isRoot ? test : test.skip)(
  `as root, keeps the cluster outside a dataDir the postgres user cannot reach${notRoot}`,
  async () => {
    const parent = tempDir(0o700);
    const dataDir = join(parent, 'data');
    const pgdata = join(STATE_ROOT, `data-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
    removeAfter.push(pgdata);

    const first = await start(dataDir, pgdata);
    expect(first.logs).toContainEqual(
      expect.stringContaining(`WARNING ${dataDir} is not reachable by the postgres user; the cluster lives in ${pgdata}`),
    );
    expect(readFileSync(join(dataDir, POINTER_FILE), 'utf8')).toContain(pgdata);
    await insertMarker(first.pg.url, 'kept outside');
    await first.pg.stop();

    const second = await start(dataDir, pgdata);
    expect(await markers(second.pg.url)).toEqual(['kept outside']);
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
    expect(statSync(parent).mode & 0o777).toBe(0o700); // never loosened
  },
);

(isRoot ? test : test.skip)(
  `as root, copies binaries the postgres user cannot reach to a world-readable directory${notRoot}`,
  async () => {
    const hidden = join(tempDir(0o700), 'native'); // like a checkout under /root
    await cp(bundledBinaries().nativeDir, hidden, { recursive: true, verbatimSymlinks: true });
    const stateRoot = tempDir();
    const runAs = postgresUser(() => undefined);
    expect(runsAs(runAs, join(hidden, 'bin', 'postgres'), ['--version'])).toBe(false);

    const logs: string[] = [];
    const binDir = await reachableBinDir(hidden, '1.2.3', runAs, stateRoot, (line) => logs.push(line));
    expect(binDir).toBe(join(stateRoot, 'pg-1.2.3', 'bin'));
    expect(runsAs(runAs, join(binDir, 'postgres'), ['--version'])).toBe(true);
    expect(readdirSync(stateRoot)).toEqual(['pg-1.2.3']); // no temp copy left behind
    // The copy is reused, not redone.
    expect(await reachableBinDir(hidden, '1.2.3', runAs, stateRoot, (line) => logs.push(line))).toBe(binDir);
    expect(logs).toHaveLength(1);
  },
);

/** How to run the fixture as a normal user: as-is when we are one, else drop root to nobody. */
function dropRootCommand(): string[] | undefined {
  if (!isRoot) return [];
  if (hasCommand('runuser')) return ['runuser', '-u', 'nobody', '--'];
  if (hasCommand('setpriv')) return ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  return undefined;
}
const dropRoot = dropRootCommand();

(dropRoot ? test : test.skip)(
  isRoot
    ? `runs as a normal user (nobody, via ${dropRoot?.[0] ?? 'nothing: skipped, neither runuser nor setpriv exists'})`
    : 'runs as a normal user (the current one)',
  async () => {
    const dataDir = tempDir();
    if (isRoot) chownSync(dataDir, NOBODY, NOBODY);
    const pgdata = join(dataDir, 'postgres');
    clusters.add(pgdata);
    const owner = startFixture(dataDir, dropRoot);
    const url = await owner.url;
    await insertMarker(url, 'normal user');
    expect(await markers(url)).toEqual(['normal user']);
    const serverUid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${postmasterPid(pgdata)}/status`, 'utf8'))?.[1];
    expect(Number(serverUid)).toBe(isRoot ? NOBODY : process.getuid?.());

    owner.child.stdin?.end(); // the fixture stops its server and exits when stdin closes
    expect(await owner.exited).toBe(0);
    expect(postmastersFor([pgdata])).toEqual([]);
  },
);
