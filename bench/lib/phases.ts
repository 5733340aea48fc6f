/**
 * The measurements of `npm run bench`, in the order run.ts calls them: (a)
 * issuance, ours against node-oidc-provider, at 32 and 100 connections; (b)
 * the echo route guarded against unguarded; (c) introspection; and --soak
 * (--scale is in scale.ts). Every target is checked for a valid answer before
 * it is loaded, and every process started here is stopped here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEs256 } from './jwt';
import type { LoadSpec } from './loadgen';
import { compare, type Measured, measure, type MeasureOptions, type Target } from './measure';
import { freePort, type Spawned, spawnPinned, stop, waitForHttp } from './proc';
import type { Measurement } from './report';
import { basic, type Credentials, fetchToken, ISSUER, type Service } from './service';

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

const issuanceSpec = (baseUrl: string, path: string, ctx: Ctx, connections: number): LoadSpec => ({
  baseUrl,
  method: 'POST',
  path,
  body: ISSUE_BODY,
  contentType: FORM,
  authFile: ctx.authFile,
  connections,
  seconds: ctx.base.seconds,
});

/** Checks that our service answers `key` with an ES256 JWT that verifies against its JWKS. */
export async function verifyOurs(ctx: Ctx, svc: Service): Promise<void> {
  const token = await fetchToken(svc.baseUrl, '/oauth2/token', ctx.keys[0] as Credentials, ISSUE_BODY);
  const jwt = await verifyEs256(token, `${svc.baseUrl}/.well-known/jwks.json`, ISSUER);
  ctx.log(`ours (${svc.baseUrl}): valid ES256 JWT (kid ${String(jwt.header.kid)}, aud ${JSON.stringify(jwt.payload.aud)})`);
}

export const issuanceTarget = (ctx: Ctx, svc: Service, id: string, label: string, connections: number, database = ctx.pg.database): Target => ({
  id,
  label,
  spec: issuanceSpec(svc.baseUrl, '/oauth2/token', ctx, connections),
  options: { ...ctx.base, serverPid: svc.process.pid, pg: { serverUrl: ctx.pg.serverUrl, database }, rss: true },
});

/**
 * (a): ours and node-oidc-provider (the same client ids and secrets, on the
 * server core), compared side by side at 32 then 100 connections; both must
 * first answer a JWT that verifies against their own JWKS.
 */
export async function issuance(ctx: Ctx): Promise<Measurement[]> {
  const svc = ctx.svc();
  await verifyOurs(ctx, svc);
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
      const peerTarget: Target = {
        id: `a.peer.c${c}`,
        label: 'issuance, node-oidc-provider 9',
        spec: issuanceSpec(issuer, '/token', ctx, c),
        options: { ...ctx.base, serverPid: peer.pid, rss: true },
      };
      out.push(...(await compare([issuanceTarget(ctx, svc, `a.ours.c${c}`, 'issuance, ours', c), peerTarget])));
    }
    ctx.results.push(...out);
    return out;
  } finally {
    await stop(peer);
  }
}

/** (b): the echo app with and without TokenGuardModule.forRemoteJwks, both up, compared side by side with one reused token. */
export async function guardedVsUnguarded(ctx: Ctx): Promise<Measurement[]> {
  const svc = ctx.svc();
  const token = await fetchToken(svc.baseUrl, '/oauth2/token', ctx.keys[0] as Credentials, 'grant_type=client_credentials&scope=exchange%3Aaccount%3Aread');
  const apps: { guarded: boolean; url: string; pid: number }[] = [];
  const started: Spawned[] = [];
  try {
    for (const guarded of [true, false]) {
      const port = await freePort();
      const app = spawnPinned(
        guarded ? 'echo (guarded)' : 'echo (unguarded)',
        ctx.serverCpu,
        process.execPath,
        ['-r', join(ROOT, 'test/fixtures/swc-register.js'), join(ROOT, 'bench/apps/echo-app.ts')],
        { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), BENCH_GUARD: guarded ? '1' : '0', AUTH_ISSUER: ISSUER, AUTH_JWKS_URI: `${svc.baseUrl}/.well-known/jwks.json` },
        ROOT,
      );
      started.push(app);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/health`, app, 30_000);
      const ok = await fetch(`${url}/bench/echo`, { headers: { authorization: `Bearer ${token}` } });
      const anon = await fetch(`${url}/bench/echo`);
      if (ok.status !== 200 || anon.status !== (guarded ? 401 : 200)) throw new Error(`echo app (guarded=${guarded}): with token ${ok.status}, without ${anon.status}`);
      apps.push({ guarded, url, pid: app.pid });
    }
    const out = await compare(
      apps.map((a) => ({
        id: `b.${a.guarded ? 'guarded' : 'unguarded'}`,
        label: `GET /bench/echo, ${a.guarded ? 'guarded (reused token)' : 'unguarded'}`,
        spec: { baseUrl: a.url, method: 'GET', path: '/bench/echo', auth: `Bearer ${token}`, connections: 32, seconds: ctx.base.seconds },
        options: { ...ctx.base, serverPid: a.pid, rss: false },
      })),
    );
    ctx.results.push(...out);
    return out;
  } finally {
    for (const app of started) await stop(app);
  }
}

/** (c): POST /oauth2/introspect by a key holding admin:tokens:introspect, about one valid token. */
export async function introspection(ctx: Ctx): Promise<Measurement> {
  const t = await introspectionTarget(ctx, ctx.svc(), 'c.introspect', 'introspection', ctx.pg.database);
  return (await record(ctx, measure(t.id, t.label, t.spec, t.options))).m;
}

/** (c)'s load, against `svc`, after checking the introspection key is told the token is active. */
export async function introspectionTarget(ctx: Ctx, svc: Service, id: string, label: string, database: string): Promise<Target> {
  const token = await fetchToken(svc.baseUrl, '/oauth2/token', ctx.keys[1] as Credentials, ISSUE_BODY);
  const body = `token=${encodeURIComponent(token)}`;
  const check = await fetch(`${svc.baseUrl}/oauth2/introspect`, { method: 'POST', headers: { authorization: basic(ctx.introspector), 'content-type': FORM }, body });
  const answer = (await check.json()) as { active?: boolean };
  if (check.status !== 200 || answer.active !== true) throw new Error(`introspection check answered ${check.status} ${JSON.stringify(answer)}`);
  const spec: LoadSpec = { baseUrl: svc.baseUrl, method: 'POST', path: '/oauth2/introspect', body, contentType: FORM, auth: basic(ctx.introspector), connections: 32, seconds: ctx.base.seconds };
  return { id, label, spec, options: { ...ctx.base, serverPid: svc.process.pid, pg: { serverUrl: ctx.pg.serverUrl, database }, rss: true } };
}

/** --soak: ten minutes (or `minutes`) of issuance at 32 connections, RSS every 10 s. */
export async function soak(ctx: Ctx, minutes: number): Promise<{ m: Measurement; samples: { atS: number; rssMiB: number }[] }> {
  const o: MeasureOptions = { ...ours(ctx), warmupSeconds: 0, rssIntervalMs: 10_000 };
  const r = await record(ctx, measure('soak.c32', `soak: issuance, ours, ${minutes} min`, { ...issuanceSpec(ctx.svc().baseUrl, '/oauth2/token', ctx, 32), seconds: minutes * 60 }, o));
  return { m: r.m, samples: r.rssSamples.map((s) => ({ atS: Math.round(s.atMs / 1000), rssMiB: s.bytes / 2 ** 20 })) };
}
