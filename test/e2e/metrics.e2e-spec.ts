/**
 * /metrics as Prometheus and an operator see it: the text format, counters that
 * move by exactly what clients did (tokens issued by auth method, refusals by
 * their true reason, guard decisions, audit commits matching the rows written),
 * pool usage and Node's event-loop lag; and access as configured (a bearer
 * token, source addresses through TRUSTED_PROXIES, or switched off).
 */
import { generateClientId, generateSecret } from '../../src/keys/credentials';
import { sql } from '../support/db-query';
import { accessToken, createKey, form, FORM, request, tokenRequest } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

type Samples = Map<string, number>;

/** Parses the exposition text into `name{label="v",…}` → value, labels sorted. */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`).sort();
    samples.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return samples;
}

const value = (s: Samples, key: string): number => s.get(key) ?? 0;

describe('metrics', () => {
  let t: TestApp;
  const scrape = async (): Promise<Samples> => {
    const res = await request(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    return parse(res.text);
  };
  const auditRows = async () => (await sql<{ n: number }>(t.db.url, 'SELECT count(*)::int AS n FROM audit_events'))[0]?.n ?? 0;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves the Prometheus text format without an OAuth token, with event-loop lag and pool usage', async () => {
    const res = await request(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toContain('# TYPE wagmix_tokens_issued_total counter');
    expect(res.text).toContain('# TYPE wagmix_token_request_duration_seconds histogram');
    const s = parse(res.text);
    expect(s.has('nodejs_eventloop_lag_seconds{}')).toBe(true);
    expect(s.has('nodejs_eventloop_lag_p99_seconds{}')).toBe(true);
    expect(value(s, 'wagmix_db_pool_max_connections{}')).toBe(20);
    expect(value(s, 'wagmix_db_pool_connections{}')).toBeGreaterThanOrEqual(1);
    expect(value(s, 'wagmix_db_pool_idle_connections{}')).toBeLessThanOrEqual(value(s, 'wagmix_db_pool_connections{}'));
    expect(value(s, 'wagmix_db_pool_waiting_requests{}')).toBe(0);
    // Every refusal reason is exported from the start, so alerts on rate() work before the first one.
    expect(s.get('wagmix_tokens_denied_total{reason="rate_limited"}')).toBe(0);
  });

  it('counts tokens issued by auth method and refused by their true reason, and times the token endpoint', async () => {
    const key = await createKey(t, { scopes: ['exchange:account:read'] });
    const before = await scrape();

    expect((await tokenRequest(t.baseUrl, key.clientId, key.secret)).status).toBe(200);
    const post = await request(`${t.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: FORM,
      body: form({ grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.secret }),
    });
    expect(post.status).toBe(200);
    expect((await tokenRequest(t.baseUrl, key.clientId, generateSecret())).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, generateClientId(), generateSecret())).status).toBe(401);
    expect((await tokenRequest(t.baseUrl, key.clientId, key.secret, { grant_type: 'client_credentials', scope: 'coin:wallets:read' })).status).toBe(400);
    expect((await tokenRequest(t.baseUrl, key.clientId, key.secret, { grant_type: 'password' })).status).toBe(400);

    const after = await scrape();
    const delta = (k: string) => value(after, k) - value(before, k);
    expect(delta('wagmix_tokens_issued_total{auth_method="client_secret_basic"}')).toBe(1);
    expect(delta('wagmix_tokens_issued_total{auth_method="client_secret_post"}')).toBe(1);
    expect(delta('wagmix_tokens_denied_total{reason="bad_secret"}')).toBe(1);
    expect(delta('wagmix_tokens_denied_total{reason="unknown_client"}')).toBe(1);
    expect(delta('wagmix_tokens_denied_total{reason="invalid_scope"}')).toBe(1);
    expect(delta('wagmix_tokens_denied_total{reason="unsupported_grant_type"}')).toBe(1);
    expect(delta('wagmix_tokens_denied_total{reason="key_revoked"}')).toBe(0);
    expect(delta('wagmix_token_request_duration_seconds_count{status_code="200"}')).toBe(2);
    expect(delta('wagmix_token_request_duration_seconds_count{status_code="401"}')).toBe(2);
    expect(delta('wagmix_token_request_duration_seconds_count{status_code="400"}')).toBe(2);
    expect(delta('wagmix_token_request_duration_seconds_bucket{le="+Inf",status_code="200"}')).toBe(2);
  });

  it('counts the guard decisions on protected routes: allowed, and denied by reason', async () => {
    const admin = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret);
    const auditOnly = await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret, { grant_type: 'client_credentials', scope: 'admin:audit:read' });
    const before = await scrape();
    const get = (authorization?: string) => request(`${t.baseUrl}/admin/keys`, { headers: authorization ? { authorization } : {} });
    expect((await get()).status).toBe(401);
    expect((await get('Bearer not.a.jwt')).status).toBe(401);
    expect((await get(`Bearer ${auditOnly}`)).status).toBe(403);
    expect((await get(`Bearer ${admin}`)).status).toBe(200);
    expect((await get(`Bearer ${admin}`)).status).toBe(200);
    const after = await scrape();
    const delta = (k: string) => value(after, k) - value(before, k);
    expect(delta('wagmix_guard_decisions_total{decision="allowed",reason=""}')).toBe(2);
    expect(delta('wagmix_guard_decisions_total{decision="denied",reason="missing_token"}')).toBe(1);
    expect(delta('wagmix_guard_decisions_total{decision="denied",reason="invalid_token"}')).toBe(1);
    expect(delta('wagmix_guard_decisions_total{decision="denied",reason="insufficient_scope"}')).toBe(1);
  });

  it('counts committed audit events exactly as rows appear in audit_events, and times each group commit', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const rowsBefore = await auditRows();
    const before = await scrape();
    await Promise.all(Array.from({ length: 10 }, () => tokenRequest(t.baseUrl, key.clientId, key.secret)));
    expect((await tokenRequest(t.baseUrl, key.clientId, generateSecret())).status).toBe(401);
    const after = await scrape();
    const rowsAfter = await auditRows();
    const delta = (k: string) => value(after, k) - value(before, k);
    expect(rowsAfter - rowsBefore).toBe(11);
    expect(delta('wagmix_audit_events_written_total{outcome="committed"}')).toBe(11);
    expect(delta('wagmix_audit_events_written_total{outcome="failed"}')).toBe(0);
    // Group commit: concurrent requests share transactions, so there are between 1 and 11 commits.
    const commits = delta('wagmix_audit_write_duration_seconds_count{outcome="committed"}');
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(11);
    expect(delta('wagmix_audit_write_duration_seconds_sum{outcome="committed"}')).toBeGreaterThan(0);
  });

  it('never exposes client ids, secrets or tokens', async () => {
    const key = await createKey(t, { scopes: ['coin:wallets:read'] });
    const token = await accessToken(t.baseUrl, key.clientId, key.secret);
    const text = (await request(`${t.baseUrl}/metrics`)).text;
    for (const secret of [key.clientId, key.secret, token, t.admin.clientId, t.admin.secret]) expect(text).not.toContain(secret);
  });

  describe('access', () => {
    const TOKEN = 'metrics-scrape-token-0123456789';

    it('with METRICS_TOKEN: 401 with a Bearer challenge unless the exact token is presented', async () => {
      const b = await t.another({ METRICS_TOKEN: TOKEN });
      try {
        const none = await request(`${b.baseUrl}/metrics`);
        expect(none.status).toBe(401);
        expect(none.headers.get('www-authenticate')).toBe('Bearer realm="wagmix-metrics"');
        expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(none.text).not.toContain(TOKEN);
        expect((await request(`${b.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}-` } })).status).toBe(401);
        const ok = await request(`${b.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(ok.status).toBe(200);
        expect(ok.text).toContain('wagmix_tokens_issued_total');
      } finally {
        await b.close();
      }
    });

    it('with METRICS_ALLOW_CIDRS: 403 from other addresses; the address behind a trusted proxy is the one checked', async () => {
      const b = await t.another({ METRICS_ALLOW_CIDRS: '10.0.0.0/8', TRUSTED_PROXIES: '127.0.0.1' });
      try {
        const direct = await request(`${b.baseUrl}/metrics`);
        expect(direct.status).toBe(403);
        expect(direct.body).toMatchObject({ status: 403, type: 'urn:wagmix:problem:metrics-forbidden' });
        expect((await request(`${b.baseUrl}/metrics`, { headers: { 'x-forwarded-for': '192.0.2.7' } })).status).toBe(403);
        expect((await request(`${b.baseUrl}/metrics`, { headers: { 'x-forwarded-for': '10.1.2.3' } })).status).toBe(200);
      } finally {
        await b.close();
      }
    });

    it('with METRICS_ENABLED=false: there is no /metrics route', async () => {
      const b = await t.another({ METRICS_ENABLED: 'false' });
      try {
        expect((await request(`${b.baseUrl}/metrics`)).status).toBe(404);
        expect((await request(`${b.baseUrl}/health/ready`)).status).toBe(200);
      } finally {
        await b.close();
      }
    });
  });
});
