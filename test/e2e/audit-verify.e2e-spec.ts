/**
 * Tamper evidence: a superuser who switches the append-only guard off and
 * edits, removes or appends rows is caught by verification (HTTP and the
 * `audit:verify` CLI command), which names exactly the first bad event.
 */
import { Module } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { Client } from 'pg';
import { AuditCliModule } from '../../src/audit/audit-cli.module';
import { DatabaseModule } from '../../src/database/database.module';
import { sql } from '../support/db-query';
import { accessToken, createKey, request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

interface Verify {
  ok: boolean;
  checked: number;
  first_bad_id: string | null;
}

/** As a superuser with the guard off: what an attacker with database access could do. */
async function asSuperuser(url: string, statement: string, params: unknown[] = []): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    await c.query(statement, params);
  } finally {
    await c.query('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only');
    await c.end();
  }
}

describe('audit chain verification', () => {
  let t: TestApp;
  let admin: string;
  let total: number;

  const verify = async (): Promise<Verify> => {
    const res = await request<Verify>(`${t.baseUrl}/admin/audit-events/verify`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    return res.body;
  };
  const count = async () => Number((await sql<{ n: string }>(t.db.url, 'SELECT count(*) AS n FROM audit_events'))[0]?.n);

  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 3; i++) await createKey(t, { account_id: `acc_v${i}`, scopes: ['exchange:orders:read'] });
    admin = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
    total = await count();
  });
  afterAll(() => t.close());

  it('holds for an untouched chain', async () => {
    expect(await verify()).toEqual({ ok: true, checked: total, first_bad_id: null });
  });

  it('names exactly the row whose data a superuser changed, and holds again once it is put back', async () => {
    const [row] = await sql<{ id: string; data: unknown }>(t.db.url, "SELECT id::text, data FROM audit_events WHERE type = 'key.created' ORDER BY id LIMIT 1 OFFSET 1");
    const id = row?.id as string;
    await asSuperuser(t.db.url, `UPDATE audit_events SET data = data || '{"scopes":["admin:keys:write"]}' WHERE id = $1`, [id]);
    // The guard is back on afterwards.
    await expect(sql(t.db.url, 'UPDATE audit_events SET reason = NULL WHERE id = 1')).rejects.toThrow(/append-only/);
    expect(await verify()).toEqual({ ok: false, checked: Number(id), first_bad_id: id });
    await asSuperuser(t.db.url, 'UPDATE audit_events SET data = $2 WHERE id = $1', [id, JSON.stringify(row?.data)]);
    expect((await verify()).ok).toBe(true);
  });

  it('names the event after a removed one, whose link no longer holds', async () => {
    const [gone] = await sql<Record<string, unknown>>(t.db.url, 'SELECT * FROM audit_events WHERE id = 3');
    await asSuperuser(t.db.url, 'DELETE FROM audit_events WHERE id = 3');
    expect(await verify()).toMatchObject({ ok: false, first_bad_id: '4' });
    await sql(t.db.url, 'INSERT INTO audit_events SELECT * FROM json_populate_record(NULL::audit_events, $1)', [JSON.stringify(gone)]);
    expect((await verify()).ok).toBe(true);
  });

  it('names a hash recomputed to match the edit by its broken link to the next event', async () => {
    await asSuperuser(t.db.url, "UPDATE audit_events SET hash = repeat('a', 64) WHERE id = 2");
    expect(await verify()).toMatchObject({ ok: false, first_bad_id: '2' });
    const [orig] = await sql<{ prev_hash: string }>(t.db.url, 'SELECT prev_hash FROM audit_events WHERE id = 3');
    await asSuperuser(t.db.url, 'UPDATE audit_events SET hash = $1 WHERE id = 2', [orig?.prev_hash]);
    expect((await verify()).ok).toBe(true);
  });

  it('notices events cut from the end (the chain head still names them)', async () => {
    const [last] = await sql<Record<string, unknown>>(t.db.url, 'SELECT * FROM audit_events ORDER BY id DESC LIMIT 1');
    await asSuperuser(t.db.url, 'DELETE FROM audit_events WHERE id = $1', [last?.id]);
    expect(await verify()).toMatchObject({ ok: false, first_bad_id: String(last?.id) });
    await sql(t.db.url, 'INSERT INTO audit_events SELECT * FROM json_populate_record(NULL::audit_events, $1)', [JSON.stringify(last)]);
    expect((await verify()).ok).toBe(true);
  });

  describe('the audit:verify CLI command', () => {
    async function runCli(): Promise<{ out: string; exitCode: number | undefined }> {
      @Module({ imports: [DatabaseModule.forRoot({ url: t.db.url, runMigrations: false, poolSize: 2 }), AuditCliModule] })
      class CliRoot {}
      const written: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      const argv = process.argv;
      const exitCode = process.exitCode;
      process.argv = ['node', 'wagmix', 'audit:verify'];
      try {
        await CommandFactory.run(CliRoot, { logger: false, errorHandler: (e) => { throw e; } });
        return { out: written.join(''), exitCode: process.exitCode === undefined ? undefined : Number(process.exitCode) };
      } finally {
        process.argv = argv;
        process.exitCode = exitCode;
        write.mockRestore();
      }
    }

    it('prints the same result as the API and exits 0 for a sound chain', async () => {
      const { out, exitCode } = await runCli();
      expect(JSON.parse(out)).toEqual(await verify());
      expect(exitCode).toBeUndefined();
    });

    it('exits 1 and names the bad event when the chain does not hold', async () => {
      await asSuperuser(t.db.url, "UPDATE audit_events SET actor_ip = '10.6.6.6' WHERE id = 2");
      const { out, exitCode } = await runCli();
      expect(JSON.parse(out)).toEqual({ ok: false, checked: 2, first_bad_id: '2' });
      expect(exitCode).toBe(1);
    });
  });
});
