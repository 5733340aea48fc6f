/**
 * The measurements of `npm run bench`, in the order run.ts calls them: (a)
 * issuance, ours then node-oidc-provider, at 32 and 100 connections; (b) the
 * echo route guarded and unguarded; (c) introspection; and the optional
 * --scale and --soak runs. Every target is checked for a valid answer before
 * it is loaded, and every process started here is stopped here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEs256 } from './jwt';
import type { LoadSpec } from './loadgen';
import { type Measured, measure, type MeasureOptions } from './measure';
import { insertFillerKeys, insertRevokedJtis } from './pg';
import { freePort, spawnPinned, stop, waitForHttp } from './proc';
import type { Measurement } from './report';
import { basic, type Credentials, fetchToken, ISSUER, pepper, type Service, startService } from './service';

const ROOT = join(__dirname, '..', '..');
const SCOPES = ['exchange:account:read', 'exchange:orders:read'];
export const ISSUE_BODY = `grant_type=client_credentials&scope=${encodeURIComponent(SCOPES.join(' '))}`;
const FORM = 'application/x-www-form-urlencoded';

export interface Ctx {
  readonly svc: () => Service;
  readonly keys: readonly Credentials[];
  readonly introspector: Credentials;
  readonly authFile: string;
  readonly workDir: string;
  readonly serverCpu: number;
  readonly base: Omit<MeasureOptions, 'serverPid' | 'pg' | 'rss'>;
  readonly pg: { readonly serverUrl: string; readonly database: string };
  readonly results: Measurement[];
  readonly log: (s: string) => void;
}

const ours = (ctx: Ctx): MeasureOptions => ({ ...ctx.base, serverPid: ctx.svc().process.pid, pg: ctx.pg, rss: true });

async function record(ctx: Ctx, run: Promise<Measured>): Promise<Measured> {
  const r = await run;
  ctx.results.push(r.m);
  return r;
}

const issuance = (baseUrl: string, path: string, ctx: Ctx, connections: number): LoadSpec => ({
  baseUrl,
  method: 'POST',
  path,
  body: ISSUE_BODY,
  contentType: FORM,
  authFile: ctx.authFile,
  connections,
  seconds: ctx.base.seconds,
});

/** (a), ours: both connection counts, after checking that a token verifies against our JWKS. */
export async function issuanceOurs(ctx: Ctx, label = 'issuance, ours', idSuffix = ''): Promise<Measurement[]> {
  const svc = ctx.svc();
  const key = ctx.keys[0] as Credentials;
  const jwt = await verifyEs256(await fetchToken(svc.baseUrl, '/oauth2/token', key, ISSUE_BODY), `${svc.baseUrl}/.well-known/jwks.json`, ISSUER);
  ctx.log(`ours: valid ES256 JWT (kid ${String(jwt.header.kid)}, aud ${JSON.stringify(jwt.payload.aud)})`);
  const out: Measurement[] = [];
  for (const c of idSuffix ? [32] : [32, 100]) out.push((await record(ctx, measure(`a.ours.c${c}${idSuffix}`, label, issuance(svc.baseUrl, '/oauth2/token', ctx, c), ours(ctx)))).m);
  return out;
}

/** (a), the peer: node-oidc-provider with the same client ids and secrets, on the server core, stopped afterwards. */
export async function issuancePeer(ctx: Ctx): Promise<Measurement[]> {
  const port = await freePort();
  const clientsFile = join(ctx.workDir, 'peer-clients.json');
  writeFileSync(clientsFile, JSON.stringify(ctx.keys.map((k) => ({ client_id: k.clientId, client_secret: k.secret }))));
  const issuer = `http://127.0.0.1:${port}`;
  const peer = spawnPinned('oidc-provider', ctx.serverCpu, process.execPath, [join(ROOT, 'bench/peer/oidc-provider.mjs')], {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    ISSUER: issuer,
    BENCH_PEER_CLIENTS: clientsFile,
  }, ROOT);
  try {
    await waitForHttp(`${issuer}/.well-known/openid-configuration`, peer, 30_000);
    const jwt = await verifyEs256(await fetchToken(issuer, '/token', ctx.keys[0] as Credentials, ISSUE_BODY), `${issuer}/jwks`, issuer);
    ctx.log(`peer: valid ES256 JWT (typ ${String(jwt.header.typ)}, aud ${JSON.stringify(jwt.payload.aud)})`);
    const out: Measurement[] = [];
    for (const c of [32, 100]) {
      const o: MeasureOptions = { ...ctx.base, serverPid: peer.pid, rss: true };
      out.push((await record(ctx, measure(`a.peer.c${c}`, 'issuance, node-oidc-provider 9', issuance(issuer, '/token', ctx, c), o))).m);
    }
    return out;
  } finally {
    await stop(peer);
  }
}

/** (b): the echo app with and without TokenGuardModule.forRemoteJwks, one reused token. */
export async function guardedVsUnguarded(ctx: Ctx): Promise<{ guarded: Measurement; unguarded: Measurement }> {
  const svc = ctx.svc();
  const token = await fetchToken(svc.baseUrl, '/oauth2/token', ctx.keys[0] as Credentials, 'grant_type=client_credentials&scope=exchange%3Aaccount%3Aread');
  const run = async (guarded: boolean): Promise<Measurement> => {
    const port = await freePort();
    const app = spawnPinned(
      guarded ? 'echo (guarded)' : 'echo (unguarded)',
      ctx.serverCpu,
      process.execPath,
      ['-r', join(ROOT, 'test/fixtures/swc-register.js'), join(ROOT, 'bench/apps/echo-app.ts')],
      { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), BENCH_GUARD: guarded ? '1' : '0', AUTH_ISSUER: ISSUER, AUTH_JWKS_URI: `${svc.baseUrl}/.well-known/jwks.json` },
      ROOT,
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/health`, app, 30_000);
      const ok = await fetch(`${url}/bench/echo`, { headers: { authorization: `Bearer ${token}` } });
      const anon = await fetch(`${url}/bench/echo`);
      if (ok.status !== 200 || anon.status !== (guarded ? 401 : 200)) throw new Error(`echo app (guarded=${guarded}): with token ${ok.status}, without ${anon.status}`);
      const spec: LoadSpec = { baseUrl: url, method: 'GET', path: '/bench/echo', auth: `Bearer ${token}`, connections: 32, seconds: ctx.base.seconds };
      const o: MeasureOptions = { ...ctx.base, serverPid: app.pid, rss: false };
      return (await record(ctx, measure(`b.${guarded ? 'guarded' : 'unguarded'}`, `GET /bench/echo, ${guarded ? 'guarded (reused token)' : 'unguarded'}`, spec, o))).m;
    } finally {
      await stop(app);
    }
  };
  const guarded = await run(true);
  const unguarded = await run(false);
  return { guarded, unguarded };
}

/** (c): POST /oauth2/introspect by a key holding admin:tokens:introspect, about one valid token. */
export async function introspection(ctx: Ctx, label = 'introspection', id = 'c.introspect'): Promise<Measurement> {
  const svc = ctx.svc();
  const token = await fetchToken(svc.baseUrl, '/oauth2/token', ctx.keys[1] as Credentials, ISSUE_BODY);
  const body = `token=${encodeURIComponent(token)}`;
  const check = await fetch(`${svc.baseUrl}/oauth2/introspect`, { method: 'POST', headers: { authorization: basic(ctx.introspector), 'content-type': FORM }, body });
  const answer = (await check.json()) as { active?: boolean };
  if (check.status !== 200 || answer.active !== true) throw new Error(`introspection check answered ${check.status} ${JSON.stringify(answer)}`);
  const spec: LoadSpec = { baseUrl: svc.baseUrl, method: 'POST', path: '/oauth2/introspect', body, contentType: FORM, auth: basic(ctx.introspector), connections: 32, seconds: ctx.base.seconds };
  return (await record(ctx, measure(id, label, spec, ours(ctx)))).m;
}

/** Stops our service and starts it again on the same database (caches and revocation state rebuilt from the store). */
export async function restart(ctx: Ctx, set: (s: Service) => void, nodeArgs: readonly string[]): Promise<void> {
  const old = ctx.svc();
  await stop(old.process, 30_000);
  set(await startService(old.env.DATABASE_URL as string, await freePort(), ctx.serverCpu, { admin: old.admin, nodeArgs }));
}

/** --scale: 1 million keys in the store vs 100; validation (introspection) with 100k revoked jti vs none. */
export async function scale(ctx: Ctx, set: (s: Service) => void, nodeArgs: readonly string[]): Promise<{ keys1m: Measurement; introNone: Measurement; introRevoked: Measurement }> {
  const dbUrl = ctx.svc().env.DATABASE_URL as string;
  let t0 = Date.now();
  const { hash } = await insertFillerKeys(dbUrl, 1_000_000, pepper());
  ctx.log(`scale: 1,000,000 filler keys inserted (${hash}) in ${((Date.now() - t0) / 1000).toFixed(0)} s; restarting the service`);
  await restart(ctx, set, nodeArgs);
  const [keys1m] = await issuanceOurs(ctx, 'issuance, ours, 1M keys in store', '.1m');
  const introNone = await introspection(ctx, 'introspection, 1M keys, 0 revoked jti', 'scale.introspect.0');
  t0 = Date.now();
  await insertRevokedJtis(dbUrl, 100_000);
  ctx.log(`scale: 100,000 revoked jti inserted in ${((Date.now() - t0) / 1000).toFixed(0)} s; restarting the service`);
  await restart(ctx, set, nodeArgs);
  const introRevoked = await introspection(ctx, 'introspection, 1M keys, 100k revoked jti', 'scale.introspect.100k');
  return { keys1m: keys1m as Measurement, introNone, introRevoked };
}

/** --soak: ten minutes (or `minutes`) of issuance at 32 connections, RSS every 10 s. */
export async function soak(ctx: Ctx, minutes: number): Promise<{ m: Measurement; samples: { atS: number; rssMiB: number }[] }> {
  const o: MeasureOptions = { ...ours(ctx), warmupSeconds: 0, rssIntervalMs: 10_000 };
  const r = await record(ctx, measure('soak.c32', `soak: issuance, ours, ${minutes} min`, { ...issuance(ctx.svc().baseUrl, '/oauth2/token', ctx, 32), seconds: minutes * 60 }, o));
  return { m: r.m, samples: r.rssSamples.map((s) => ({ atS: Math.round(s.atMs / 1000), rssMiB: s.bytes / 2 ** 20 })) };
}
