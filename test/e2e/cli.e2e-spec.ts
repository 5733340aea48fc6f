/**
 * The operator CLI as an operator runs it: JSON on stdout, problem JSON on
 * stderr with exit code 1, the same rules and events as the admin API.
 * Most cases run the commands in process (runCli, as main.ts does); the last
 * block builds the CLI and spawns it, exactly as `npm run cli` does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/run-cli';
import { loadConfig } from '../../src/config/app-config';
import { sql } from '../support/db-query';
import { accessToken, tokenRequest } from '../support/http';
import { adminApi, type AdminApi, events } from '../support/admin-api';
import { startTestApp, TEST_PEPPER, TEST_SEAL_KEY, type TestApp } from '../support/test-app';

// jest.config.js sets testTimeout per project, where Jest ignores it: without this, app start-up under a full parallel run can exceed the 5 s default.
jest.setTimeout(30_000);

const run = promisify(execFile);

describe('operator CLI', () => {
  let t: TestApp;
  let api: AdminApi;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ LOCKOUT_THRESHOLD: '1000' });
    api = await adminApi(t);
    dataDir = mkdtempSync(join(tmpdir(), 'wagmix-cli-'));
    env = { NODE_ENV: 'test', DATABASE_URL: t.db.url, SECRET_PEPPER: TEST_PEPPER, SIGNING_KEY_ENCRYPTION_KEY: TEST_SEAL_KEY, DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { config: loadConfig(env), databaseUrl: t.db.url, io: { out: (s) => void (out += s), err: (s) => void (err += s) } });
    const json = (s: string) => (s.trim().startsWith('{') ? (JSON.parse(s) as Record<string, unknown>) : undefined);
    return { code, out, err, body: json(out), problem: json(err) };
  };
  const createKey = async (...extra: string[]) => {
    const res = await cli('keys:create', '--account', 'acc_cli', '--label', 'from the cli', '--scope', 'coin:wallets:read', ...extra);
    expect(res.code).toBe(0);
    return { clientId: res.body?.client_id as string, secret: res.body?.client_secret as string, body: res.body as Record<string, unknown> };
  };

  it('keys:create makes a key that gets a token, recorded with the operator as actor', async () => {
    const k = await createKey('--scope', 'exchange:orders:read', '--cidr', '127.0.0.1', '--ttl', '120');
    expect(k.body).toMatchObject({ account_id: 'acc_cli', scopes: ['coin:wallets:read', 'exchange:orders:read'], allowed_cidrs: ['127.0.0.1'], token_ttl_seconds: 120, status: 'active' });
    expect(k.secret).toMatch(/^wgxs_[0-9A-Za-z]{49}$/);
    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).body.expires_in).toBe(120);
    const [ev] = await events(t, 'key.created', k.clientId);
    expect(ev).toMatchObject({ actor_client_id: null, actor_ip: null, request_id: expect.stringMatching(/^cli-/) });
    expect(ev?.actor_user_agent).toMatch(/^wagmix-auth-cli \(.+@.+\)$/);
  });

  it('keys:list and keys:show print what the admin API answers', async () => {
    const k = await createKey();
    const listed = await cli('keys:list', '--account', 'acc_cli', '--limit', '1');
    expect(listed.code).toBe(0);
    expect(listed.body).toEqual((await api.get('/admin/keys?account_id=acc_cli&limit=1')).body);
    const shown = await cli('keys:show', k.clientId);
    expect(shown.body).toEqual((await api.get(`/admin/keys/${k.clientId}`)).body);
    expect(shown.out).not.toContain(k.secret);
  });

  it('keys:rotate prints the new secret once; with --grace-seconds 0 the old one stops', async () => {
    const k = await createKey();
    const rotated = await cli('keys:rotate', k.clientId, '--grace-seconds', '0');
    expect(rotated.code).toBe(0);
    expect((await tokenRequest(t.baseUrl, k.clientId, k.secret)).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, k.clientId, rotated.body?.client_secret as string)).status).toBe(200);
    expect((await events(t, 'key.secret_rotated', k.clientId))[0]?.data).toMatchObject({ grace_seconds: 0 });
  });

  it('keys:revoke revokes with a reason; a second time is a 409 problem and exit 1', async () => {
    const k = await createKey();
    const revoked = await cli('keys:revoke', k.clientId, '--reason', 'rotated out by ops');
    expect(revoked.code).toBe(0);
    expect(revoked.body?.status).toBe('revoked');
    expect((await events(t, 'key.revoked', k.clientId))[0]).toMatchObject({ reason: 'rotated out by ops', actor_client_id: null });
    const again = await cli('keys:revoke', k.clientId);
    expect(again.code).toBe(1);
    expect(again.out).toBe('');
    expect(again.problem).toMatchObject({ status: 409, type: 'urn:wagmix:problem:conflict' });
  });

  it('admin:create makes an admin key with the chosen scopes; --never-expires and --all-scopes', async () => {
    const res = await cli('admin:create', '--label', 'ops reader', '--scope', 'admin:keys:read', '--scope', 'admin:audit:read');
    expect(res.code).toBe(0);
    expect(res.body).toMatchObject({ account_id: null, scopes: ['admin:keys:read', 'admin:audit:read'], expires_at: expect.any(String) });
    const token = await accessToken(t.baseUrl, res.body?.client_id as string, res.body?.client_secret as string);
    expect((await api.get('/admin/keys?limit=1', token)).status).toBe(200);
    expect((await api.send('POST', '/admin/keys', { account_id: 'a', label: 'x', scopes: ['coin:wallets:read'] }, token)).status).toBe(403);

    const forever = await cli('admin:create', '--label', 'break glass', '--all-scopes', '--never-expires');
    expect(forever.body).toMatchObject({ expires_at: null, scopes: ['admin:keys:read', 'admin:keys:write', 'admin:audit:read', 'admin:signing-keys:write', 'admin:tokens:introspect'] });
  });

  it.each([
    [['admin:create', '--label', 'x', '--scope', 'exchange:orders:read'], 400, 'scopes.0'],
    [['keys:create', '--account', 'acc', '--label', 'x', '--scope', 'admin:keys:read'], 400, 'scopes.0'],
    [['keys:create', '--account', 'acc', '--label', 'x', '--scope', 'coin:withdrawals:write'], 400, 'allowed_cidrs'],
    [['keys:create', '--account', 'acc', '--label', 'x', '--scope', 'coin:wallets:read', '--ttl', 'soon'], 400, 'token_ttl_seconds'],
    [['keys:create', '--account', 'acc', '--label', 'x', '--scope', 'coin:wallets:read', '--cidr', '10.0.0.0/33'], 400, 'allowed_cidrs.0'],
    [['keys:create', '--account', 'acc', '--label', 'x', '--scope', 'coin:wallets:read', '--expires-at', '2020-01-01T00:00:00Z'], 400, 'expires_at'],
    [['keys:list', '--status', 'gone'], 400, 'status'],
    [['keys:rotate', 'wgxk_0000000000000000000000', '--grace-seconds', '604801'], 400, 'grace_seconds'],
    [['keys:show', 'wgxk_0000000000000000000000'], 404, undefined],
  ])('%j: exit 1 with a %i problem on stderr', async (args, status, field) => {
    const res = await cli(...args);
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.problem).toMatchObject({ status });
    if (field) expect((res.problem?.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });

  it('answers a usage error with commander’s message and exit 1, without ending the process', async () => {
    const res = await cli('keys:create', '--label', 'x');
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/required option '--account <account_id>' not specified/);
    const unknown = await cli('keys:explode');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/unknown command/);
  });

  it('lists every command in --help, including audit:verify', async () => {
    const res = await cli('--help');
    expect(res.code).toBe(0);
    for (const name of ['keys:create', 'keys:list', 'keys:show', 'keys:rotate', 'keys:revoke', 'admin:create', 'audit:verify']) expect(res.out).toContain(name);
    // audit:verify (the audit module's command) writes to process.stdout itself: its output is checked spawned, below.
    expect((await cli('audit:verify')).code).toBe(0);
  });

  describe('built and spawned, as `npm run cli` runs it', () => {
    // Compiled into dist/ (ignored by git) under a name of its own, so parallel runs cannot collide.
    const outDir = join(__dirname, '..', '..', 'dist', `.cli-e2e-${process.pid}`);
    const main = join(outDir, 'src', 'cli', 'main.js');

    beforeAll(async () => {
      await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: join(__dirname, '..', '..') });
    }, 240_000);
    afterAll(() => rmSync(outDir, { recursive: true, force: true }));

    const spawnCli = (...args: string[]) =>
      run(process.execPath, [main, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    it('creates and shows a key, printing JSON, exit 0', async () => {
      const created = await spawnCli('keys:create', '--account', 'acc_spawn', '--label', 'spawned', '--scope', 'coin:wallets:read');
      expect(created.code).toBe(0);
      const key = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
      expect((await tokenRequest(t.baseUrl, key.client_id, key.client_secret)).status).toBe(200);
      const shown = await spawnCli('keys:show', key.client_id);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ client_id: key.client_id, account_id: 'acc_spawn', status: 'active' });
      expect(await sql(t.db.url, "SELECT 1 FROM audit_events WHERE type = 'key.created' AND subject_client_id = $1 AND actor_user_agent LIKE 'wagmix-auth-cli%'", [key.client_id])).toHaveLength(1);
      const verified = await spawnCli('audit:verify');
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, first_bad_id: null });
    }, 60_000);

    it('exits 1 with a problem on stderr, and with one clear line for bad configuration', async () => {
      const refused = await spawnCli('keys:show', 'wgxk_0000000000000000000000');
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stderr)).toMatchObject({ status: 404 });
      const misconfigured = await run(process.execPath, [main, 'keys:list'], { env: { PATH: process.env.PATH ?? '', ...env, DATABASE_URL: 'mysql://nope' } }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(misconfigured).toMatchObject({ code: 1, stderr: 'wagmix-auth: configuration error: DATABASE_URL must be a postgres:// or postgresql:// URL\n' });
    }, 60_000);
  });
});
