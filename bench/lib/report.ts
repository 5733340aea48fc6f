/**
 * What one `npm run bench` run found, as data (bench/results/<ts>.json) and
 * as the markdown table printed at the end and saved beside it
 * (bench/results/<ts>.md): one row per measurement, then the targets
 * with the figure that meets or misses each, then the machine and its load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './loadgen';

export interface Measurement {
  readonly id: string;
  readonly label: string;
  readonly connections: number;
  readonly load: LoadResult;
  /** Server node process utime+stime over the measured run, per request. */
  readonly serverCpuUsPerReq: number | null;
  /** PostgreSQL CPU per request: our database's backends, and the cluster's shared helpers (WAL writer, checkpointer…). */
  readonly pgCpuUsPerReq: { readonly ours: number; readonly shared: number } | null;
  /** Transactions our database ran per request (its statistics are flushed about once a second, so ± a little). */
  readonly pgXactsPerReq: number | null;
  /** Transactions of our database rolled back during the run (in total, not per request). */
  readonly pgRollbacks: number | null;
  readonly rssMaxMiB: number | null;
  /** Busy share of each core during the run (from /proc/stat), whoever used it. */
  readonly coreBusyPct: readonly number[];
  readonly loadAvg1: number;
}

export interface TargetCheck {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: readonly string[];
  readonly load: readonly string[];
  readonly setup: readonly string[];
  readonly measurements: readonly Measurement[];
  readonly ratios: Record<string, number | null>;
  readonly targets: readonly TargetCheck[];
  readonly audit: { readonly status: string; readonly lines: readonly string[] };
  readonly soak: { readonly samples: readonly { readonly atS: number; readonly rssMiB: number }[]; readonly summary: string } | null;
  readonly notes: readonly string[];
}

const f = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const int = (x: number): string => Math.round(x).toLocaleString('en');

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  p(`# Wagmix Auth bench, ${r.startedAt}`);
  p();
  p(`Command: \`${r.command}\``);
  p();
  p('| measurement | conns | req/s | p50 ms | p99 ms | server CPU µs/req | PG CPU µs/req (our backends + shared) | PG xacts/req | RSS max MiB | errors | core0/core1 busy % |');
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const m of r.measurements) {
    const pg = m.pgCpuUsPerReq ? `${f(m.pgCpuUsPerReq.ours)} + ${f(m.pgCpuUsPerReq.shared)}` : '–';
    p(
      `| ${m.label} | ${m.connections} | ${int(m.load.rps)} | ${f(m.load.p50Ms, 2)} | ${f(m.load.p99Ms, 2)} | ${f(m.serverCpuUsPerReq)} | ${pg} | ${f(m.pgXactsPerReq, 3)} | ${f(m.rssMaxMiB)} | ${m.load.errors} | ${m.coreBusyPct.map((c) => f(c)).join('/')} |`,
    );
  }
  p();
  p('| ratio | value |');
  p('|---|---:|');
  for (const [k, v] of Object.entries(r.ratios)) p(`| ${k} | ${f(v, 2)} |`);
  p();
  p('| target (issue 7) | goal | measured | met |');
  p('|---|---|---|---|');
  for (const t of r.targets) p(`| ${t.name} | ${t.goal} | ${t.measured} | ${t.met === null ? 'not measured' : t.met ? 'yes' : '**no**'} |`);
  p();
  p(`## (d) audit query at 10 million events: ${r.audit.status}`);
  p();
  for (const l of r.audit.lines) p(`- ${l}`);
  if (r.soak) {
    p();
    p('## Soak');
    p();
    p(r.soak.summary);
    p();
    p(`RSS (MiB) every 10 s: ${r.soak.samples.map((s) => f(s.rssMiB)).join(', ')}`);
  }
  for (const [title, items] of [
    ['Machine', r.machine],
    ['Load on the machine', r.load],
    ['Setup', r.setup],
    ['Notes', r.notes],
  ] as const) {
    p();
    p(`## ${title}`);
    p();
    for (const l of items) p(`- ${l}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes <dir>/<stamp>.json and .md; returns their paths. */
export function writeResults(dir: string, stamp: string, r: BenchResults): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${stamp}.json`);
  const md = join(dir, `${stamp}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(r));
  return { json, md };
}
