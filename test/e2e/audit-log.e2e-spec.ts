/**
 * The audit table already holds the contract's shape: a hash chain that
 * recomputes from the rows, one chain order under concurrent writers, and a
 * database that refuses UPDATE, DELETE and TRUNCATE whoever connects.
 */
import { chainHash, GENESIS_HASH } from '../../src/audit/audit-chain';
import { type AuditRow, toView } from '../../src/audit/audit-rows';
import { generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('audit log storage', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('chains every event: ids 1..n without gaps, each hash recomputed from its row', async () => {
    // Concurrent issuance and denials from two instances exercise the group commit and the chain lock.
    const b = await t.another();
    try {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          tokenRequest(i % 2 ? t.baseUrl : b.baseUrl, t.admin.clientId, i % 3 ? t.admin.secret : generateSecret()),
        ),
      );
    } finally {
      await b.close();
    }
    const rows = await sql<AuditRow>(t.db.url, 'SELECT * FROM audit_events ORDER BY id');
    expect(rows.length).toBeGreaterThanOrEqual(42);
    let prev = GENESIS_HASH;
    rows.forEach((r, i) => {
      expect(r.id).toBe(String(i + 1));
      expect(r.prev_hash).toBe(prev);
      const recomputed = chainHash(prev, toView(r));
      expect(r.hash).toBe(recomputed);
      prev = r.hash;
    });
    const head = await sql(t.db.url, 'SELECT last_id::text, last_hash FROM audit_chain_head');
    expect(head).toEqual([{ last_id: String(rows.length), last_hash: prev }]);
  });

  it.each([
    ['UPDATE', "UPDATE audit_events SET reason = 'tampered' WHERE id = 1"],
    ['DELETE', 'DELETE FROM audit_events WHERE id = 1'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ])('refuses %s even for a superuser', async (_op, statement) => {
    await expect(sql(t.db.url, statement)).rejects.toThrow(/audit_events is append-only/);
  });

  it('refuses UPDATE even with session_replication_role = replica', async () => {
    await expect(sql(t.db.url, "SET session_replication_role = replica; UPDATE audit_events SET reason = 'x' WHERE id = 1")).rejects.toThrow(
      /append-only/,
    );
  });
});
