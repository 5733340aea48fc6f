/**
 * SIGTERM while tokens are being issued: the process stops accepting, finishes
 * what it accepted (every 200 has its committed token.issued event, and every
 * committed event reached its caller), closes its pool and exits 0.
 */
import { request as httpRequest } from 'node:http';
import { sql } from '../support/db-query';
import { startChildApp } from '../support/child-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** One request on a fresh connection, so a refused connection is unambiguous. */
function tokenRequest(baseUrl: string, clientId: string, secret: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const body = 'grant_type=client_credentials';
    const req = httpRequest(
      `${baseUrl}/oauth2/token`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolve({ error: `response cut: ${err.message}` }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

describe('graceful shutdown', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('loses no accepted request on SIGTERM and exits 0', async () => {
    const app = await startChildApp(db.url, { TOKEN_RATE_LIMIT_PER_MINUTE: '0' });
    const results: ({ status: number } | { error: string })[] = [];
    let signalled = false;
    const worker = async () => {
      for (let i = 0; i < 40; i++) {
        const r = await tokenRequest(app.baseUrl, app.admin.clientId, app.admin.secret);
        results.push(r);
        if (!signalled && results.length >= 60) {
          signalled = true;
          app.process.kill('SIGTERM');
        }
        if ('error' in r && (r.error === 'ECONNREFUSED' || r.error === 'ECONNRESET')) return; // the server stopped accepting
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const code = await app.exited;

    const ok = results.filter((r) => 'status' in r && r.status === 200).length;
    const cut = results.filter((r) => 'error' in r && r.error.startsWith('response cut'));
    const other = results.filter((r) => 'status' in r && r.status !== 200);
    expect(code).toBe(0);
    expect(cut).toEqual([]);
    expect(other).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(60);
    const issued = await sql<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM audit_events WHERE type = 'token.issued'");
    expect(issued[0]?.n).toBe(ok);
    expect(app.output()).not.toMatch(/"level":(50|60)/); // no error logged while draining
  }, 60_000);
});
