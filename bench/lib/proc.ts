/**
 * Processes for `npm run bench`: every child is spawned through here, pinned
 * to its core with taskset, remembered, and stopped (SIGTERM, then SIGKILL
 * after a few seconds) when the run ends or is interrupted, so the harness
 * never leaves a server behind. Also reads what the kernel knows about a
 * process: CPU time (utime+stime, all threads) and resident memory (VmRSS).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';

export interface Spawned {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 64 KiB of its stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  readonly exited: Promise<string>;
}

const KEEP_OUTPUT = 64 * 1024;
const live = new Set<Spawned>();

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ); 100 on every Linux we run on, but ask. */
const CLK_TCK = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

let tasksetAvailable: boolean | undefined;
export function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** Spawns `command` pinned to `cpu` (taskset execs, so the pid is the command's own). */
export function spawnPinned(name: string, cpu: number | null, command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Spawned {
  const pinned = cpu !== null && hasTaskset();
  const child = spawn(pinned ? 'taskset' : command, pinned ? ['-c', String(cpu), command, ...args] : [...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer): void => {
    out += chunk.toString();
    if (out.length > KEEP_OUTPUT * 2) out = out.slice(-KEEP_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const spawned: Spawned = { name, child, pid: child.pid, output: () => out.slice(-KEEP_OUTPUT), exited };
  live.add(spawned);
  void exited.then(() => live.delete(spawned));
  return spawned;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Only ever our own child, by its pid. */
export async function stop(p: Spawned, graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const killer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(killer);
}

/** Stops every child still running (used on the way out, normal or not). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => stop(p, 5_000)));
}

/** Synchronous last resort for process 'exit': no await possible there. */
export function killAllNow(): void {
  for (const p of live) p.child.kill('SIGKILL');
}

/** The fields of /proc/<pid>/stat after the command name (state first, then ppid, …); null when it is gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime of the whole process (every thread), in microseconds; null when it is gone. */
export function cpuMicros(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLK_TCK : null;
}

/** Parent pid; null when the process is gone (or not on this machine's /proc). */
export function parentPid(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

/** The processes whose parent is `parent`. */
export function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => parentPid(pid) === parent);
}

/** VmRSS in bytes; null when the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS at a fixed interval until stopped. */
export class RssSampler {
  private readonly samples: { atMs: number; bytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(
    private readonly pid: number,
    intervalMs: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const bytes = rssBytes(this.pid);
    if (bytes !== null) this.samples.push({ atMs: Date.now() - this.started, bytes });
  }

  finish(): { maxBytes: number; lastBytes: number; samples: { atMs: number; bytes: number }[] } {
    clearInterval(this.timer);
    this.sample();
    const bytes = this.samples.map((s) => s.bytes);
    return { maxBytes: Math.max(0, ...bytes), lastBytes: bytes[bytes.length - 1] ?? 0, samples: this.samples };
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx; fails with the process's output if it exits or the deadline passes. */
export async function waitForHttp(url: string, p: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${p.name} exited before it was ready:\n${p.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${p.name} not ready at ${url} within ${timeoutMs / 1000} s:\n${p.output()}`);
    await sleep(200);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
