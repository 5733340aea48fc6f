/**
 * `npm run bench -- --scale`: cost as work grows. Three copies of the bench
 * database (CREATE DATABASE … TEMPLATE, so the same keys and signing keys):
 * as seeded (100 keys), plus 1,000,000 keys, and that plus 100,000 revoked
 * jti. One freshly started service per copy (so key caches and revocation
 * state are built from each store), then issuance 100 keys vs 1M keys and
 * introspection 0 vs 100k revoked, each pair compared side by side (ABBA).
 */
import { runLoad } from './loadgen';
import { compare } from './measure';
import { type Ctx, introspectionTarget, issuanceTarget, verifyOurs } from './phases';
import { insertFillerKeys, insertRevokedJtis, query } from './pg';
import { freePort, sleep, stop } from './proc';
import type { Measurement } from './report';
import { pepper, type Service, startService } from './service';

const WARM_SECONDS = 8;

/** A template must have no session; the stopped service's connections may take a moment to go. */
async function copyDatabase(serverUrl: string, from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await query(serverUrl, `CREATE DATABASE ${to} TEMPLATE ${from}`);
      return;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await sleep(500);
    }
  }
}

export async function scale(
  ctx: Ctx,
  options: { setService: (s: Service) => void; created: (database: string) => void; nodeArgs: readonly string[] },
): Promise<{ keys100: Measurement; keys1m: Measurement; revoked0: Measurement; revoked100k: Measurement }> {
  const { serverUrl, database } = ctx.pg;
  const first = ctx.svc();
  await stop(first.process, 30_000);
  const dbUrl = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const big = `${database}_1m`;
  const revoked = `${database}_rev`;

  let t0 = Date.now();
  await copyDatabase(serverUrl, database, big);
  options.created(big);
  const { hash } = await insertFillerKeys(dbUrl(big), 1_000_000, pepper());
  ctx.log(`scale: ${big} has 1,000,000 more keys (${hash}, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  t0 = Date.now();
  await copyDatabase(serverUrl, big, revoked);
  options.created(revoked);
  await insertRevokedJtis(dbUrl(revoked), 100_000);
  ctx.log(`scale: ${revoked} has 100,000 revoked jti too (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  const start = async (name: string): Promise<Service> => startService(dbUrl(name), await freePort(), ctx.serverCpu, { admin: first.admin, nodeArgs: options.nodeArgs });
  const small = await start(database);
  options.setService(small);
  const bigSvc = await start(big);
  const revokedSvc = await start(revoked);
  try {
    for (const svc of [small, bigSvc, revokedSvc]) await verifyOurs(ctx, svc);
    const issuing = [
      issuanceTarget(ctx, small, 'scale.keys100', 'issuance, 100 keys in store (restarted)', 32, database),
      issuanceTarget(ctx, bigSvc, 'scale.keys1m', 'issuance, 1,000,100 keys in store', 32, big),
      issuanceTarget(ctx, revokedSvc, 'scale.warm', 'warm-up', 32, revoked),
    ];
    const validating = [
      await introspectionTarget(ctx, bigSvc, 'scale.revoked0', 'introspection, 1M keys, 0 revoked jti', big),
      await introspectionTarget(ctx, revokedSvc, 'scale.revoked100k', 'introspection, 1M keys, 100k revoked jti', revoked),
      await introspectionTarget(ctx, small, 'scale.warm', 'warm-up', database),
    ];
    // The same history for every process before any comparison: a fresh process gets ~15 % faster
    // over its first seconds of load (JIT), which would otherwise favour whichever ran more before.
    for (const t of [...issuing, ...validating]) await runLoad(t.options.tool, { ...t.spec, seconds: WARM_SECONDS }, t.options.loadCpu);
    const [keys100, keys1m] = await compare(issuing.slice(0, 2));
    const [revoked0, revoked100k] = await compare(validating.slice(0, 2));
    const out = { keys100: keys100 as Measurement, keys1m: keys1m as Measurement, revoked0: revoked0 as Measurement, revoked100k: revoked100k as Measurement };
    ctx.results.push(out.keys100, out.keys1m, out.revoked0, out.revoked100k);
    return out;
  } finally {
    await stop(bigSvc.process);
    await stop(revokedSvc.process);
  }
}
