/**
 * One measurement: a warm-up run, then the measured run, with the server's
 * CPU (utime+stime), PostgreSQL's CPU, the server's RSS (sampled every half
 * second) and each core's busy share taken around the measured run only. The
 * per-core figures tell a quiet machine from one shared with other work:
 * PostgreSQL is not pinned, and other engineers' tests may run meanwhile.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { type LoadSpec, type LoadTool, runLoad } from './loadgen';
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

export async function measure(id: string, label: string, spec: LoadSpec, o: MeasureOptions): Promise<Measured> {
  if (o.warmupSeconds > 0) await runLoad(o.tool, { ...spec, seconds: o.warmupSeconds }, o.loadCpu);
  const cpu0 = cpuMicros(o.serverPid);
  const pg0 = o.pg ? await pgCpuSnapshot(o.pg.serverUrl, o.pg.database) : null;
  const cores0 = coreTimes();
  const rss = o.rss ? new RssSampler(o.serverPid, o.rssIntervalMs ?? 500) : null;
  const load = await runLoad(o.tool, spec, o.loadCpu);
  const memory = rss?.finish() ?? null;
  const cores1 = coreTimes();
  const cpu1 = cpuMicros(o.serverPid);
  const pg1 = o.pg ? await pgCpuSnapshot(o.pg.serverUrl, o.pg.database) : null;
  const per = (us: number) => (load.requests > 0 ? us / load.requests : NaN);
  const pgUs = pg0 && pg1 ? pgCpuBetween(pg0, pg1) : null;
  const m: Measurement = {
    id,
    label,
    connections: spec.connections,
    load,
    serverCpuUsPerReq: cpu0 !== null && cpu1 !== null ? per(cpu1 - cpu0) : null,
    pgCpuUsPerReq: pgUs ? { ours: per(pgUs.ours), shared: per(pgUs.shared) } : null,
    pgXactsPerReq: pgUs ? per(pgUs.xacts) : null,
    rssMaxMiB: memory ? memory.maxBytes / 2 ** 20 : null,
    coreBusyPct: cores1.map(([busy, total], i) => {
      const [b0, t0] = cores0[i] ?? [0, 0];
      return total > t0 ? (100 * (busy - b0)) / (total - t0) : 0;
    }),
    loadAvg1: loadavg()[0] ?? 0,
  };
  o.log(
    `${label}: ${Math.round(load.rps)} req/s, p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms, ` +
      `server ${m.serverCpuUsPerReq?.toFixed(0) ?? '–'} µs/req${m.pgCpuUsPerReq ? `, PG ${m.pgCpuUsPerReq.ours.toFixed(0)}+${m.pgCpuUsPerReq.shared.toFixed(0)} µs/req, ${m.pgXactsPerReq?.toFixed(3) ?? '–'} xacts/req` : ''}` +
      `${m.rssMaxMiB !== null ? `, RSS max ${m.rssMaxMiB.toFixed(0)} MiB` : ''}, errors ${load.errors}, cores ${m.coreBusyPct.map((c) => c.toFixed(0)).join('/')} % busy`,
  );
  return { m, rssSamples: memory?.samples ?? [] };
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
