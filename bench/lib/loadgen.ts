/**
 * The load generator: wrk (installed with apt-get when missing and we are
 * root), or autocannon from npm when apt is impossible. Either runs pinned to
 * the load core and reports the same shape (requests, duration, latency
 * percentiles, errors) through one JSON line, parsed here. Runs are bounded:
 * the tool's own duration plus a watchdog that kills it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnPinned, stop } from './proc';

export type LoadTool = 'wrk' | 'autocannon';

export interface LoadSpec {
  readonly baseUrl: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** One Authorization value for every request. */
  readonly auth?: string;
  /** A file of Authorization values, one a line: requests rotate over them. */
  readonly authFile?: string;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  readonly errors: number;
  readonly errorDetail: Record<string, number>;
}

const ROOT = join(__dirname, '..', '..');
const TOOLS = join(ROOT, 'node_modules', '.cache', 'wagmix-bench');

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Makes a load generator available; `prefer` forces one (autocannon tests the fallback). */
export function ensureLoadTool(prefer: LoadTool | undefined, log: (s: string) => void): LoadTool {
  if (prefer !== 'autocannon') {
    if (onPath('wrk')) return 'wrk';
    const root = process.getuid?.() === 0;
    if (root && onPath('apt-get')) {
      log('wrk is missing: apt-get install -y wrk');
      // Bounded: a registry that hangs must not hang the bench.
      const update = spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
      const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], {
        stdio: 'ignore',
        timeout: 300_000,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (update.status === 0 && install.status === 0 && onPath('wrk')) return 'wrk';
      log('apt-get could not install wrk: falling back to autocannon');
    } else log(`wrk is missing and apt-get is ${root ? 'absent' : 'not ours to run (not root)'}: falling back to autocannon`);
  }
  if (!existsSync(join(TOOLS, 'node_modules', 'autocannon'))) {
    log(`installing autocannon into ${TOOLS}`);
    mkdirSync(TOOLS, { recursive: true });
    // Its own prefix: the project's package.json and lockfile stay untouched.
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', TOOLS, 'autocannon@8'], {
      stdio: 'ignore',
      timeout: 300_000,
    });
  }
  return 'autocannon';
}

export async function runLoad(tool: LoadTool, spec: LoadSpec, cpu: number): Promise<LoadResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    BENCH_METHOD: spec.method,
    BENCH_PATH: spec.path,
    BENCH_BODY: spec.body ?? '',
    BENCH_CONTENT_TYPE: spec.contentType ?? '',
    BENCH_AUTH: spec.auth ?? '',
    BENCH_AUTH_FILE: spec.authFile ?? '',
  };
  const p =
    tool === 'wrk'
      ? spawnPinned('wrk', cpu, 'wrk', ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--timeout', '5s', '-s', join(ROOT, 'bench/load/wrk.lua'), spec.baseUrl], env)
      : spawnPinned(
          'autocannon',
          cpu,
          process.execPath,
          ['-r', join(ROOT, 'test/fixtures/swc-register.js'), join(ROOT, 'bench/load/autocannon-runner.ts')],
          { ...env, BENCH_URL: spec.baseUrl, BENCH_CONNECTIONS: String(spec.connections), BENCH_SECONDS: String(spec.seconds), BENCH_TOOLS: TOOLS },
        );
  const watchdog = setTimeout(() => void stop(p, 1_000), (spec.seconds + 30) * 1000);
  const code = await p.exited;
  clearTimeout(watchdog);
  const line = p
    .output()
    .split('\n')
    .find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`${tool} (exit ${code}) printed no result:\n${p.output()}`);
  return toResult(JSON.parse(line.slice('BENCH_JSON '.length)) as RawResult);
}

/** What bench/load/wrk.lua's done() and the autocannon runner print. */
export interface RawResult {
  requests: number;
  duration_us: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { p50: number; p90: number; p99: number; max: number; mean: number };
}

function toResult(r: RawResult): LoadResult {
  const seconds = r.duration_us / 1e6;
  const errors = r.errors.connect + r.errors.read + r.errors.write + r.errors.status + r.errors.timeout;
  return {
    requests: r.requests,
    seconds,
    rps: r.requests / seconds,
    p50Ms: r.latency_us.p50 / 1000,
    p90Ms: r.latency_us.p90 / 1000,
    p99Ms: r.latency_us.p99 / 1000,
    maxMs: r.latency_us.max / 1000,
    errors,
    errorDetail: { ...r.errors },
  };
}
