/**
 * Staged signing-key rotation as verifiers see it: the next key is in the JWKS
 * before it signs, every instance switches at the same instant, tokens of the
 * retired key keep verifying until they expire, then the key leaves; rotation
 * happens exactly once with several instances, on demand and on schedule.
 */
import { Clock } from '../../src/common/clock';
import { SigningKeysService } from '../../src/tokens/signing-keys.service';
import { sql } from '../support/db-query';
import { accessToken, decodeJwt, request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

const kids = async (base: string) => (await request<{ keys: { kid: string }[] }>(`${base}/.well-known/jwks.json`)).body.keys.map((k) => k.kid).sort();
const signedBy = async (t: TestApp) => decodeJwt(await accessToken(t.baseUrl, t.admin.clientId, t.admin.secret)).header.kid as string;
const waitFor = async (what: () => Promise<boolean>, ms: number) => {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
};

describe('signing-key rotation', () => {
  let a: TestApp;
  let b: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    a = await startTestApp({ SIGNING_KEY_REFRESH_SECONDS: '1', SIGNING_KEY_LEAD_SECONDS: '900' });
    b = await a.another();
    adminToken = await accessToken(a.baseUrl, a.admin.clientId, a.admin.secret);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const rotate = (body: object = {}, token = adminToken) =>
    request(`${a.baseUrl}/admin/signing-keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('publishes the next key before it signs, switches every instance at once, and keeps old tokens valid', async () => {
    const oldKid = await signedBy(a);
    const oldToken = adminToken;
    const staged = await rotate({ lead_seconds: 3 });
    expect(staged.status).toBe(202);
    expect(staged.body).toMatchObject({ state: 'next', alg: 'ES256', published: true });
    const newKid = staged.body.kid as string;

    expect(await kids(a.baseUrl)).toEqual([oldKid, newKid].sort());
    await waitFor(async () => (await kids(b.baseUrl)).includes(newKid), 2500); // the other instance publishes it too
    expect(await signedBy(a)).toBe(oldKid);
    expect(await signedBy(b)).toBe(oldKid);

    // A second rotation while one is staged is refused: rotation happens once.
    expect((await rotate({ lead_seconds: 3 })).status).toBe(409);

    await waitFor(async () => (await signedBy(a)) === newKid, 5000);
    expect(await signedBy(b)).toBe(newKid);
    // Tokens of the retired key keep working while they live.
    expect((await request(`${b.baseUrl}/admin/keys/${a.admin.clientId}`, { headers: { authorization: `Bearer ${oldToken}` } })).status).toBe(200);

    await waitFor(async () => {
      const list = await request<{ items: { kid: string; state: string; published: boolean }[] }>(`${a.baseUrl}/admin/signing-keys`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      const states = Object.fromEntries(list.body.items.map((k) => [k.kid, `${k.state}/${k.published}`]));
      return states[newKid] === 'active/true' && states[oldKid] === 'retired/true';
    }, 3000);
    const events = await sql<{ reason: string; n: number }>(
      a.db.url,
      "SELECT reason, count(*)::int AS n FROM audit_events WHERE type = 'signing_key.rotated' GROUP BY reason ORDER BY reason",
    );
    expect(events).toEqual([
      { reason: 'initial', n: 1 },
      { reason: 'on_demand', n: 1 },
      { reason: 'promoted', n: 1 },
    ]);
    adminToken = await accessToken(a.baseUrl, a.admin.clientId, a.admin.secret);
  });

  it('unpublishes a retired key once every token it signed has expired', async () => {
    const before = await kids(a.baseUrl);
    expect(before).toHaveLength(2);
    const clock = a.app.get(Clock);
    const realNow = clock.now.bind(clock);
    clock.now = () => new Date(realNow().getTime() + 2 * 3600_000);
    try {
      await a.app.get(SigningKeysService).reload();
      expect(await kids(a.baseUrl)).toEqual([decodeJwt(adminToken).header.kid]);
    } finally {
      clock.now = realNow;
    }
  });

  it('rotates on schedule, staging the next key after SIGNING_KEY_ROTATION_DAYS', async () => {
    const t = await startTestApp({ SIGNING_KEY_ROTATION_DAYS: '1', SIGNING_KEY_REFRESH_SECONDS: '3600' });
    try {
      const clock = t.app.get(Clock);
      const realNow = clock.now.bind(clock);
      clock.now = () => new Date(realNow().getTime() + 2 * 86_400_000);
      await t.app.get(SigningKeysService).refresh();
      expect(await kids(t.baseUrl)).toHaveLength(2);
      const ev = await sql(t.db.url, "SELECT reason, data FROM audit_events WHERE type = 'signing_key.rotated' ORDER BY id DESC LIMIT 1");
      expect(ev[0]).toMatchObject({ reason: 'scheduled', data: { state: 'next' } });
      clock.now = realNow;
    } finally {
      await t.close();
    }
  });

  it('needs admin:signing-keys:write to rotate and refuses a bad body', async () => {
    expect((await rotate({ lead_seconds: -1 })).status).toBe(400);
    expect((await rotate({ leadSeconds: 1 })).status).toBe(400);
    expect((await request(`${a.baseUrl}/admin/signing-keys/rotate`, { method: 'POST' })).status).toBe(401);
  });
});
