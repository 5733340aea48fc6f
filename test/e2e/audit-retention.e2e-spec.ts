/**
 * AUDIT_RETENTION_DAYS: whole old days go, each through audit_prune() and
 * recorded as `audit.pruned` with the chain checkpoint, so the rest still
 * verifies; the trigger keeps refusing every other DELETE, even with the
 * bypass flag raised by hand for a recent event.
 */
import type { AuditEventView } from '../../src/audit/audit-event';
import { AuditRepository } from '../../src/audit/audit.repository';
import { AuditRetention } from '../../src/audit/audit-retention.service';
import { createDataSource } from '../../src/database/data-source';
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { accessToken, request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const at = (days: number, hours: number) => new Date(today - days * DAY + hours * 3_600_000);

describe('audit retention', () => {
  let db: TestDatabase;
  let t: TestApp;
  let admin: string;

  const get = <T>(path: string) => request<T>(`${t.baseUrl}/admin/audit-events${path}`, { headers: { authorization: `Bearer ${admin}` } });

  beforeAll(async () => {
    db = await createTestDatabase();
    // History written before this instance existed: two old days, and one inside the retention.
    const ds = createDataSource(db.url, { poolSize: 1 });
    await ds.initialize();
    const repo = new AuditRepository();
    const old = (n: number) =>
      Array.from({ length: n }, () => ({ type: 'token.issued' as const, outcome: 'success' as const, actor: { clientId: generateClientId() } }));
    for (const [when, n] of [
      [at(40, 1), 3],
      [at(40, 20), 2],
      [at(35, 5), 4],
      [at(29, 1), 2],
    ] as const) {
      await ds.transaction((tx) => repo.append(tx, old(n), when));
    }
    await ds.destroy();
    t = await startTestApp({ AUDIT_RETENTION_DAYS: '30' }, { db, admin: { clientId: generateClientId(), secret: generateSecret() }, issuer: 'http://127.0.0.1' });
    admin = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('refuses an ordinary DELETE of an old event, and of a recent one even with the bypass flag raised by hand', async () => {
    await expect(sql(db.url, 'DELETE FROM audit_events WHERE id = 1')).rejects.toThrow(/append-only/);
    await expect(
      sql(db.url, "SELECT set_config('wagmix.audit_prune', 'on', false), set_config('wagmix.audit_prune_before', extract(epoch FROM now())::text, false); DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)"),
    ).rejects.toThrow(/append-only/);
    await expect(sql(db.url, "SELECT * FROM audit_prune(date_trunc('day', now(), 'UTC'))")).rejects.toThrow(/less than a day old/);
    await expect(sql(db.url, "SELECT * FROM audit_prune(now() - interval '40 days')")).rejects.toThrow(/not the start of a UTC day/);
  });

  it('removes whole days older than the retention, one audit.pruned checkpoint per day, and the rest verifies', async () => {
    const before = await sql<{ id: string; hash: string }>(db.url, 'SELECT id::text, hash FROM audit_events ORDER BY audit_events.id');
    const round = await t.app.get(AuditRetention).runOnce();
    expect(round).toEqual({ days: 2, removed: 9 });

    const left = await sql<{ id: string; occurred_at: Date }>(db.url, 'SELECT id::text, occurred_at FROM audit_events ORDER BY audit_events.id');
    expect(left[0]?.id).toBe('10');
    expect(left.every((r) => r.occurred_at.getTime() >= today - 30 * DAY)).toBe(true);

    const pruned = (await get<{ items: AuditEventView[] }>('?type=audit.pruned')).body.items.reverse();
    expect(pruned.map((e) => e.data)).toEqual([
      { before: new Date(today - 39 * DAY).toISOString(), retention_days: 30, removed: 5, through_id: '5', through_hash: before[4]?.hash },
      { before: new Date(today - 34 * DAY).toISOString(), retention_days: 30, removed: 4, through_id: '9', through_hash: before[8]?.hash },
    ]);
    expect(pruned[0]).toMatchObject({ type: 'audit.pruned', outcome: 'success', reason: 'retention', actor: { client_id: null } });

    const verify = await get<{ ok: boolean; checked: number; first_bad_id: string | null }>('/verify');
    expect(verify.body).toEqual({ ok: true, checked: left.length, first_bad_id: null });
  });

  it('has nothing more to do on the next round, and the chain goes on verifying as events arrive', async () => {
    expect(await t.app.get(AuditRetention).runOnce()).toEqual({ days: 0, removed: 0 });
    await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
    expect((await get<{ ok: boolean }>('/verify')).body).toMatchObject({ ok: true, first_bad_id: null });
  });

  it('fails verification when events are removed without a checkpoint', async () => {
    // A superuser removing the first remaining event behind the trigger's back.
    await sql(
      db.url,
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; DELETE FROM audit_events WHERE id = 10; ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_append_only',
    );
    expect((await get<{ ok: boolean; first_bad_id: string | null }>('/verify')).body).toMatchObject({ ok: false, first_bad_id: '11' });
  });
});
