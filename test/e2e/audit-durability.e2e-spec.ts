/**
 * The durability rule: an operation and its audit event commit together or
 * not at all. When the event cannot be written (here a test-only trigger
 * refuses marked events, or the connection dies while waiting for the chain
 * head), the request fails with 503 and leaves no change behind.
 */
import { Client } from 'pg';
import { sql } from '../support/db-query';
import { accessToken, createKey, request, tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('audit durability', () => {
  let t: TestApp;
  let admin: string;

  const createKeyRequest = (accountId: string) =>
    request(`${t.baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: accountId, label: 'durability', scopes: ['exchange:orders:read'] }),
    });
  const verify = () =>
    request<{ ok: boolean; first_bad_id: string | null }>(`${t.baseUrl}/admin/audit-events/verify`, { headers: { authorization: `Bearer ${admin}` } });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
    // Test-only: refuse to store events about the marked accounts, as a full disk or a broken store would.
    await sql(
      t.db.url,
      `CREATE FUNCTION test_refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.subject_account_id LIKE 'acc_refused%' THEN RAISE EXCEPTION 'test: audit store refuses %', NEW.type; END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER test_refuse_marked BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_refuse_marked();`,
    );
  });
  afterAll(() => t.close());

  it('POST /admin/keys answers 503 and stores no key when key.created cannot be written', async () => {
    const res = await createKeyRequest('acc_refused_key');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(await sql(t.db.url, "SELECT client_id FROM api_keys WHERE account_id = 'acc_refused_key'")).toEqual([]);
    expect(await sql(t.db.url, "SELECT 1 FROM audit_events WHERE subject_account_id = 'acc_refused_key'")).toEqual([]);
  });

  it('POST /oauth2/token answers 503 temporarily_unavailable and no token when token.issued cannot be written', async () => {
    const key = await createKey(t, { account_id: 'acc_ok', scopes: ['exchange:orders:read'] });
    // Mark the key's account only now: its key.created went through.
    await sql(t.db.url, "UPDATE api_keys SET account_id = 'acc_refused_tok' WHERE client_id = $1", [key.clientId]);
    const before = await sql<{ n: string }>(t.db.url, 'SELECT count(*)::text AS n FROM audit_events');
    const res = await tokenRequest(t.baseUrl, key.clientId, key.secret);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(res.text).not.toContain('access_token');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await sql<{ n: string }>(t.db.url, 'SELECT count(*)::text AS n FROM audit_events')).toEqual(before);
  });

  it('answers 503 and leaves nothing when the connection dies while the event waits for the chain head', async () => {
    const holder = new Client({ connectionString: t.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM audit_chain_head FOR UPDATE');
      const pending = createKeyRequest('acc_cut');
      // Wait until the app's transaction is blocked on the chain head, then cut its connection.
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        // From another connection: inside the holder's transaction pg_stat_activity would be a frozen snapshot.
        const rows = await sql<{ pid: number }>(
          t.db.url,
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%audit_chain_head%'",
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pid).toBeDefined();
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await sql(t.db.url, "SELECT client_id FROM api_keys WHERE account_id = 'acc_cut'")).toEqual([]);
    // The service recovers at once: the next key and its event go through.
    expect((await createKeyRequest('acc_after')).status).toBe(201);
  });

  it('leaves a chain that still verifies', async () => {
    const res = await verify();
    expect(res.body).toMatchObject({ ok: true, first_bad_id: null });
  });
});
