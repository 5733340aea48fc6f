/**
 * Measurements: a warm-up run, then measured runs with the server's CPU
 * (utime+stime), PostgreSQL's CPU and transactions, the server's RSS (sampled
 * every half second) and each core's busy share taken around the measured
 * runs only; side-by-side targets alternate (ABBA). The per-core figures tell
 * a quiet machine from one shared with other work: PostgreSQL is not pinned,
 * and other engineers' tests may run meanwhile.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { type LoadResult, type LoadSpec, type LoadTool, runLoad } from './loadgen';
import { pgCpuBetween, pgCpuSnapshot } from './pg';
import { cpuMicros, RssSampler } from './proc';
import type { Measurement } from './report';

export interface MeasureOptions {
  readonly tool: LoadTool;
  readonly loadCpu: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** The server process whose CPU and RSS are reported. */
  readonly serverPid: number;
  /** Our PostgreSQL database, when the server uses it. */
  readonly pg?: { readonly serverUrl: string; readonly database: string };
  readonly rss: boolean;
  /** RSS sampling interval; default 500 ms (the soak samples every 10 s). */
  readonly rssIntervalMs?: number;
  readonly log: (s: string) => void;
}

/** Per core: [busy, total] jiffies since boot. */
function coreTimes(): [number, number][] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.trim().split(/\s+/).slice(1).map(Number);
      const total = v.reduce((a, b) => a + b, 0);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      return [total - idle, total];
    });
}

export interface Measured {
  readonly m: Measurement;
  /** RSS samples of the measured run (ms since its start, bytes). */
  readonly rssSamples: readonly { readonly atMs: number; readonly bytes: number }[];
}

/** One measured run's raw readings, before they are turned into per-request figures. */
interface Raw {
  readonly load: LoadResult;
  readonly serverCpuUs: number | null;
  readonly pg: { readonly ours: number; readonly shared: number; readonly xacts: number; readonly rollbacks: number } | null;
  readonly rss: readonly { readonly atMs: number; readonly bytes: number }[];
  /** Per core: [busy, total] jiffies during the run. */
  readonly cores: readonly [number, number][];
}

async function runOnce(spec: LoadSpec, o: MeasureOptions): Promise<Raw> {
  const cpu0 = cpuMicros(o.serverPid);
  const pg0 = o.pg ? await pgCpuSnapshot(o.pg.serverUrl, o.pg.database) : null;
  const cores0 = coreTimes();
  const rss = o.rss ? new RssSampler(o.serverPid, o.rssIntervalMs ?? 500) : null;
  const load = await runLoad(o.tool, spec, o.loadCpu);
  const memory = rss?.finish() ?? null;
  const cores1 = coreTimes();
  const cpu1 = cpuMicros(o.serverPid);
  const pg1 = o.pg ? await pgCpuSnapshot(o.pg.serverUrl, o.pg.database) : null;
  return {
    load,
    serverCpuUs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    pg: pg0 && pg1 ? pgCpuBetween(pg0, pg1) : null,
    rss: memory?.samples ?? [],
    cores: cores1.map(([b, t], i) => [b - (cores0[i]?.[0] ?? 0), t - (cores0[i]?.[1] ?? 0)]),
  };
}

/**
 * One row from one or more runs of the same target: counts and CPU add up;
 * p50 and p90 are the runs' request-weighted means, p99 and max the worst run's.
 */
function merge(id: string, label: string, connections: number, raws: readonly Raw[], log: (s: string) => void): Measurement {
  const sum = (f: (r: Raw) => number) => raws.reduce((a, r) => a + f(r), 0);
  const requests = sum((r) => r.load.requests);
  const seconds = sum((r) => r.load.seconds);
  const weighted = (f: (r: Raw) => number) => (requests > 0 ? sum((r) => f(r) * r.load.requests) / requests : NaN);
  const errorDetail: Record<string, number> = {};
  for (const r of raws) for (const [k, v] of Object.entries(r.load.errorDetail)) errorDetail[k] = (errorDetail[k] ?? 0) + v;
  const load: LoadResult = {
    requests,
    seconds,
    rps: requests / seconds,
    p50Ms: weighted((r) => r.load.p50Ms),
    p90Ms: weighted((r) => r.load.p90Ms),
    p99Ms: Math.max(...raws.map((r) => r.load.p99Ms)),
    maxMs: Math.max(...raws.map((r) => r.load.maxMs)),
    errors: sum((r) => r.load.errors),
    errorDetail,
  };
  const per = (us: number) => (requests > 0 ? us / requests : NaN);
  const pg = raws.every((r) => r.pg !== null)
    ? { ours: sum((r) => r.pg?.ours ?? 0), shared: sum((r) => r.pg?.shared ?? 0), xacts: sum((r) => r.pg?.xacts ?? 0), rollbacks: sum((r) => r.pg?.rollbacks ?? 0) }
    : null;
  const rss = raws.flatMap((r) => r.rss.map((x) => x.bytes));
  const cores = (raws[0]?.cores ?? []).map((_, i) => {
    const busy = sum((r) => r.cores[i]?.[0] ?? 0);
    const total = sum((r) => r.cores[i]?.[1] ?? 0);
    return total > 0 ? (100 * busy) / total : 0;
  });
  const m: Measurement = {
    id,
    label,
    connections,
    load,
    serverCpuUsPerReq: raws.every((r) => r.serverCpuUs !== null) ? per(sum((r) => r.serverCpuUs ?? 0)) : null,
    pgCpuUsPerReq: pg ? { ours: per(pg.ours), shared: per(pg.shared) } : null,
    pgXactsPerReq: pg ? per(pg.xacts) : null,
    pgRollbacks: pg ? pg.rollbacks : null,
    rssMaxMiB: rss.length > 0 ? Math.max(...rss) / 2 ** 20 : null,
    coreBusyPct: cores,
    loadAvg1: loadavg()[0] ?? 0,
  };
  log(
    `${label}: ${Math.round(load.rps)} req/s, p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms, ` +
      `server ${m.serverCpuUsPerReq?.toFixed(0) ?? '–'} µs/req${m.pgCpuUsPerReq ? `, PG ${m.pgCpuUsPerReq.ours.toFixed(0)}+${m.pgCpuUsPerReq.shared.toFixed(0)} µs/req, ${m.pgXactsPerReq?.toFixed(3) ?? '–'} xacts/req (${m.pgRollbacks ?? 0} rollbacks)` : ''}` +
      `${m.rssMaxMiB !== null ? `, RSS max ${m.rssMaxMiB.toFixed(0)} MiB` : ''}, errors ${load.errors}, cores ${cores.map((c) => c.toFixed(0)).join('/')} % busy`,
  );
  return m;
}

/** A warm-up run, then one measured run. */
export async function measure(id: string, label: string, spec: LoadSpec, o: MeasureOptions): Promise<Measured> {
  if (o.warmupSeconds > 0) await runLoad(o.tool, { ...spec, seconds: o.warmupSeconds }, o.loadCpu);
  const raw = await runOnce(spec, o);
  return { m: merge(id, label, spec.connections, [raw], o.log), rssSamples: raw.rss };
}

export interface Target {
  readonly id: string;
  readonly label: string;
  readonly spec: LoadSpec;
  readonly options: MeasureOptions;
}

/**
 * Targets compared side by side: each warmed up, then measured in halves in
 * ABBA order (A, B, B, A for two), so a machine whose background load drifts
 * during the comparison weighs on both sides alike. Each target's halves are
 * merged into one row.
 */
export async function compare(targets: readonly Target[]): Promise<Measurement[]> {
  for (const t of targets) if (t.options.warmupSeconds > 0) await runLoad(t.options.tool, { ...t.spec, seconds: t.options.warmupSeconds }, t.options.loadCpu);
  const raws = targets.map((): Raw[] => []);
  const order = [...targets.keys(), ...[...targets.keys()].reverse()];
  for (const i of order) {
    const t = targets[i] as Target;
    (raws[i] as Raw[]).push(await runOnce({ ...t.spec, seconds: Math.max(1, Math.round(t.spec.seconds / 2)) }, t.options));
  }
  return targets.map((t, i) => merge(t.id, t.label, t.spec.connections, raws[i] as Raw[], t.options.log));
}

export function machineDescription(): string[] {
  const c = cpus();
  return [`${c.length} × ${c[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`, `Node ${process.version}`, `kernel ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}`];
}

/** uptime and the busiest processes, as a person checking the machine would see them. */
export function loadSnapshot(): string[] {
  const out: string[] = [`load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} (${cpus().length} cores)`];
  try {
    // Two frames a second apart: the first frame's %CPU covers each process's whole life, the second the last second.
    const top = execFileSync('top', ['-b', '-n', '2', '-d', '1', '-o', '%CPU'], { encoding: 'utf8', timeout: 10_000 }).split('\n');
    const header = top.findLastIndex((l) => /^\s*PID\s/.test(l));
    if (header >= 0) {
      for (const l of top.slice(header + 1, header + 6)) {
        const cols = l.trim().split(/\s+/);
        if (cols.length >= 12 && Number(cols[8]) >= 5) out.push(`busy: ${cols.slice(11).join(' ')} (pid ${cols[0]}) ${cols[8]} % CPU`);
      }
    }
  } catch {
    // top missing: load average alone
  }
  return out;
}
