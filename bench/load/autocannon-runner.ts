/**
 * The fallback load generator for machines where wrk cannot be installed:
 * autocannon (installed by bench/lib/loadgen.ts into its own prefix, so the
 * project's lockfile stays as it is), driven with the same environment as
 * bench/load/wrk.lua, rotating Authorization values the same way, and
 * printing the same BENCH_JSON line. autocannon is slower than wrk per
 * request, so on one core it saturates earlier: results say which tool ran.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: Latency;
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface RequestSpec {
  setupRequest?: (req: { headers?: Record<string, string> }) => { headers?: Record<string, string> };
}
type Autocannon = (
  opts: { url: string; connections: number; duration: number; method: string; body?: string; headers: Record<string, string>; requests?: RequestSpec[] },
  done: (err: Error | null, result: AutocannonResult) => void,
) => unknown;

const env = (name: string): string => process.env[name] ?? '';
const tools = env('BENCH_TOOLS');
const autocannon = createRequire(join(tools, 'package.json'))('autocannon') as Autocannon;

const headers: Record<string, string> = {};
if (env('BENCH_CONTENT_TYPE')) headers['content-type'] = env('BENCH_CONTENT_TYPE');
if (env('BENCH_AUTH')) headers.authorization = env('BENCH_AUTH');
const auths = env('BENCH_AUTH_FILE')
  ? readFileSync(env('BENCH_AUTH_FILE'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
  : [];
let next = 0;
const requests: RequestSpec[] | undefined =
  auths.length > 0
    ? [
        {
          setupRequest: (req) => {
            next = (next + 1) % auths.length;
            return { ...req, headers: { ...(req.headers ?? {}), ...headers, authorization: auths[next] as string } };
          },
        },
      ]
    : undefined;

autocannon(
  {
    url: `${env('BENCH_URL')}${env('BENCH_PATH')}`,
    connections: Number(env('BENCH_CONNECTIONS')),
    duration: Number(env('BENCH_SECONDS')),
    method: env('BENCH_METHOD') || 'GET',
    body: env('BENCH_BODY') || undefined,
    headers,
    requests,
  },
  (err, r) => {
    if (err) {
      process.stderr.write(`autocannon failed: ${err.message}\n`);
      process.exit(1);
    }
    const us = (ms: number) => Math.round(ms * 1000);
    const out = {
      requests: r.requests.total,
      duration_us: Math.round(r.duration * 1e6),
      errors: { connect: 0, read: 0, write: 0, status: r.non2xx, timeout: r.timeouts + r.errors },
      latency_us: { p50: us(r.latency.p50), p90: us(r.latency.p90), p99: us(r.latency.p99), max: us(r.latency.max), mean: us(r.latency.mean) },
    };
    process.stdout.write(`BENCH_JSON ${JSON.stringify(out)}\n`);
  },
);
