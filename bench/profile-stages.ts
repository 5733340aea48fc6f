/**
 * Per-request CPU budget by stage from a V8 `.cpuprofile` of the service
 * (`npm run bench -- --only a --cpu-prof` writes one to bench/results/profiles/).
 *
 *   node -r ./test/fixtures/swc-register.js bench/profile-stages.ts <file.cpuprofile> [--us-per-request N]
 *
 * Each sample goes to the stage of the innermost frame on its stack that
 * names one (so the pg driver called by the audit writer counts as the group
 * commit, a hash called by the chain as the audit event). Start-up (module
 * loading) and idle time are left out: shares are of the busy time under
 * load. With --us-per-request (the bench's server CPU µs/req for the same
 * run) each share is also shown in µs.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Innermost match wins; the order only breaks ties within one frame. */
const STAGES: readonly (readonly [string, (fn: string, url: string) => boolean])[] = [
  ['ES256 signature', (fn) => fn === 'signOneShot'],
  ['token claims and encoding', (_, url) => /tokens\/token-signer|client-credentials\.grant|scope-request|random-id/.test(url)],
  ['audit event (canonical JSON, SHA-256 chain)', (_, url) => /audit\/audit-chain|audit\/audit\.repository|audit\/audit\.service|audit\/audit-event/.test(url)],
  ['group commit (writer, pg driver and pool)', (_, url) => /audit\/audit-writer|node_modules\/(pg|pg-protocol|pg-pool|typeorm)\/|database\//.test(url)],
  ['client authentication (Basic parsing, passport, HMAC, key cache)', (_, url) => /oauth\/client-auth\/|\/keys\/|node_modules\/(passport|passport-http|@nestjs\/passport)\//.test(url)],
  ['form body (parse, decode)', (_, url) => /oauth\/form|content-type-parser|node:internal\/url|querystring/.test(url)],
  ['logging, metrics, security headers', (_, url) => /observability\/|node_modules\/(pino|prom-client|thread-stream|sonic-boom)\/|security-headers/.test(url)],
  ['NestJS pipeline (router, guards, interceptors, filters)', (_, url) => /node_modules\/@nestjs\/|\/guard\/|\/throttle\/|common\/http\//.test(url)],
  ['Fastify (routing, hooks, reply)', (_, url) => /node_modules\/(fastify|find-my-way|@fastify|avvio|light-my-request)\//.test(url)],
  ['HTTP parsing and socket writes (node:http, streams)', (fn, url) => /node:(_http|net|internal\/stream|internal\/streams|stream|events)/.test(url) || fn === 'writev' || fn === 'writeUtf8String' || fn === 'read'],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
];

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: bench/profile-stages.ts <file.cpuprofile> [--us-per-request N]\n');
    process.exit(2);
  }
  const usIndex = args.indexOf('--us-per-request');
  const usPerRequest = usIndex >= 0 ? Number(args[usIndex + 1]) : null;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const stageOf = new Map<number, string | null>();
  const classify = (id: number): string | null => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)?.callFrame;
    let stage: string | null = null;
    if (frame?.functionName === '(idle)' || frame?.functionName === '(program)') stage = 'skip';
    else if (frame && /Module\._compile|compileSourceTextModule|run_main_module/.test(`${frame.functionName} ${frame.url}`)) stage = 'skip';
    else {
      const own = frame ? STAGES.find(([, test]) => test(frame.functionName, frame.url))?.[0] : undefined;
      const up = parent.get(id);
      // Start-up anywhere up the stack wins over the leaf's stage.
      const outer = up === undefined ? null : classify(up);
      stage = outer === 'skip' ? 'skip' : (own ?? outer);
    }
    stageOf.set(id, stage);
    return stage;
  };

  const time = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const stage = classify(id);
    if (stage === 'skip') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    const name = stage ?? 'other (timers, promises, Node internals)';
    time.set(name, (time.get(name) ?? 0) + dt);
  });
  const rows = [...time].sort((a, b) => b[1] - a[1]);
  const us = usPerRequest !== null && Number.isFinite(usPerRequest);
  process.stdout.write(`busy time under load: ${(busy / 1e6).toFixed(2)} s (start-up and idle left out)\n\n`);
  process.stdout.write(`| stage | share |${us ? ' µs/request |' : ''}\n|---|---:|${us ? '---:|' : ''}\n`);
  for (const [name, t] of rows) {
    const share = t / busy;
    process.stdout.write(`| ${name} | ${(100 * share).toFixed(1)} % |${us ? ` ${(share * (usPerRequest as number)).toFixed(0)} |` : ''}\n`);
  }
}

main();
