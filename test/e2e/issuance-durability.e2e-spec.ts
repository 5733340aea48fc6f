/**
 * Correctness of group commit (issue 7): every acknowledged token has its
 * committed token.issued event, even when the process is killed mid-batch.
 * The real entry point runs as a child process; concurrent clients keep
 * requests in flight while it is SIGKILLed (no drain, no shutdown hook), then
 * every 200 answer's jti must be in audit_events, and the hash-chain head must
 * match the last committed event (nothing half-written). No timing is asserted.
 */
import { Agent, request as httpRequest } from 'node:http';
import { sql } from '../support/db-query';
import { startChildApp } from '../support/child-app';
import { createKey, decodeJwt } from '../support/http';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Outcome = { status: number; body: string } | { error: string };

/** One token request over a keep-alive agent; a connection cut by the kill resolves as an error, never rejects. */
function tokenRequest(agent: Agent, baseUrl: string, clientId: string, secret: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = 'grant_type=client_credentials';
    const req = httpRequest(
      `${baseUrl}/oauth2/token`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', (err) => resolve({ error: `response cut: ${err.message}` }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

describe('issuance durability under SIGKILL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('has a committed token.issued event for every token it answered, when killed mid-flight', async () => {
    const app = await startChildApp(db.url, { TOKEN_RATE_LIMIT_PER_MINUTE: '0' });
    try {
      // Several keys, so batches mix clients as they do in production.
      const keys = await Promise.all(
        [1, 2, 3, 4].map((i) => createKey(app, { account_id: `acc_durable_${i}`, label: `durability ${i}`, scopes: ['exchange:account:read'] })),
      );
      const agent = new Agent({ keepAlive: true, maxSockets: 32 });
      const outcomes: Outcome[] = [];
      let acknowledged = 0;
      let killed = false;
      const worker = async (w: number): Promise<void> => {
        const key = keys[w % keys.length] as (typeof keys)[number];
        // Bounded: the kill comes after ~150 answers; a worker stops at its first cut request.
        for (let i = 0; i < 200; i++) {
          const outcome = await tokenRequest(agent, app.baseUrl, key.clientId, key.secret);
          outcomes.push(outcome);
          if ('error' in outcome) return;
          if (outcome.status === 200) acknowledged++;
          if (!killed && acknowledged >= 150) {
            killed = true;
            // The other workers' requests are in flight (some in the batch being committed): no drain, no hooks.
            app.process.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 24 }, (_, w) => worker(w)));
      agent.destroy();
      expect(await app.exited).toBeNull(); // killed by a signal, not exited

      const answered = outcomes.filter((o): o is { status: number; body: string } => 'status' in o);
      expect(answered.filter((o) => o.status !== 200)).toEqual([]);
      const jtis = answered.map((o) => decodeJwt((JSON.parse(o.body) as { access_token: string }).access_token).payload.jti as string);
      expect(jtis.length).toBeGreaterThanOrEqual(150);
      // The kill really cut requests short: some callers got no answer at all.
      expect(outcomes.some((o) => 'error' in o)).toBe(true);

      const rows = await sql<{ subject_jti: string }>(
        db.url,
        "SELECT subject_jti FROM audit_events WHERE type = 'token.issued' AND outcome = 'success' AND subject_jti = ANY($1::text[])",
        [jtis],
      );
      const committed = new Set(rows.map((r) => r.subject_jti));
      expect(jtis.filter((jti) => !committed.has(jti))).toEqual([]);
      expect(committed.size).toBe(new Set(jtis).size);

      // A batch is all or nothing: the chain head names the last committed event.
      const [head] = await sql<{ last_id: string; max_id: string | null }>(
        db.url,
        'SELECT h.last_id::text AS last_id, (SELECT max(id) FROM audit_events)::text AS max_id FROM audit_chain_head h',
      );
      expect(head?.last_id).toBe(head?.max_id);
    } finally {
      if (app.process.exitCode === null && app.process.signalCode === null) app.process.kill('SIGKILL');
      await app.exited;
    }
  }, 90_000);
});
