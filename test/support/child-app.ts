/**
 * The real entry point (src/main.ts) in a child process, for what only a
 * process can show: signals, exit codes, a killed parent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { freePort, TEST_PEPPER, TEST_SEAL_KEY } from './test-app';

const ROOT = join(__dirname, '..', '..');

export interface ChildApp {
  readonly process: ChildProcess;
  readonly baseUrl: string;
  readonly admin: { clientId: string; secret: string };
  output(): string;
  exited: Promise<number | null>;
}

export async function startChildApp(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildApp> {
  const port = await freePort();
  const admin = { clientId: generateClientId(), secret: generateSecret() };
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/fixtures/swc-register.js'), join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SECRET_PEPPER: TEST_PEPPER,
      SIGNING_KEY_ENCRYPTION_KEY: TEST_SEAL_KEY,
      BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.secret,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${baseUrl}/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not start within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, baseUrl, admin, output: () => out, exited };
}
