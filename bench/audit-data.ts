/**
 * Synthetic audit history for bench/audit-volume.ts: a valid hash chain
 * (computed with the service's own chainHash, so verify passes over it) with
 * the shape of a busy exchange: a few thousand API keys whose activity
 * follows a Zipf law, about 1,200 accounts, every contract event type, about
 * 95 % successes, ids and time increasing together over a span of days.
 * The distributions come from a seeded PRNG, so runs are comparable.
 *
 * Speed matters here (ten million rows on two cores), so each event is
 * written straight as a flat row and its canonical JSON is spelled out for
 * the known shape instead of going through canonicalJson(); the verify step
 * of the benchmark, which does use canonicalJson, proves the two agree.
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from '../src/audit/audit-chain';
import type { AuditEventView } from '../src/audit/audit-event';

/** An audit_events row, as json_populate_recordset takes it. */
export interface FlatRow {
  id: string;
  occurred_at: string;
  type: string;
  outcome: string;
  actor_client_id: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  subject_client_id: string | null;
  subject_account_id: string | null;
  subject_jti: string | null;
  reason: string | null;
  request_id: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const J = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/** canonicalJson(event without hashes), for this shape: top-level and nested keys in sorted order. */
function canonical(e: Omit<AuditEventView, 'prev_hash' | 'hash'>): string {
  const a = e.actor;
  const s = e.subject;
  return `{"actor":{"client_id":${J(a.client_id)},"ip":${J(a.ip)},"user_agent":${J(a.user_agent)}},"data":${canonicalJson(e.data)},"id":${J(e.id)},"occurred_at":${J(e.occurred_at)},"outcome":${J(e.outcome)},"reason":${J(e.reason)},"request_id":${J(e.request_id)},"subject":{"account_id":${J(s.account_id)},"client_id":${J(s.client_id)},"jti":${J(s.jti)}},"type":${J(e.type)}}`;
}

export interface DataShape {
  readonly rows: number;
  readonly clients: number;
  readonly accounts: number;
  readonly days: number;
  readonly end: Date;
}

/** mulberry32: fast, seeded, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Weights in ‰ (sum 1000): what an exchange's auth server mostly does is issue and introspect tokens.
const TYPES: readonly [string, number][] = [
  ['token.issued', 620],
  ['token.introspected', 200],
  ['token.denied', 40],
  ['access.denied', 12],
  ['token.revoked', 100],
  ['key.created', 10],
  ['key.updated', 8],
  ['key.secret_rotated', 5],
  ['key.revoked', 2],
  ['key.expired', 2],
  ['signing_key.rotated', 0.2],
  ['audit.pruned', 0.8],
];
const DENIAL_REASONS = ['bad_secret', 'unknown_client', 'invalid_scope', 'key_revoked', 'key_expired', 'ip_not_allowed', 'rate_limited', 'invalid_request'];
/** Keys 0–4 are admins, 5–9 resource servers that introspect. */
const SPECIAL = 10;
const USER_AGENTS = ['python-requests/2.32.3', 'ccxt/4.4.21', 'Go-http-client/2.0', 'okhttp/4.12.0', 'wagmix-sdk-js/1.8.0', 'curl/8.5.0'];

export class AuditDataGenerator {
  readonly clientIds: string[];
  readonly accountOf: string[];
  private readonly ips: string[];
  private readonly rand: () => number;
  private readonly zipf: Float64Array;
  private readonly typeCdf: [string, number][];
  private id = 0;
  private pool = '';
  private poolAt = 0;
  private prevHash = GENESIS_HASH;
  private readonly start: number;
  private readonly step: number;

  constructor(private readonly shape: DataShape) {
    this.rand = prng(20261203);
    this.clientIds = Array.from({ length: shape.clients }, () => `wgxk_${this.chars(22)}`);
    this.ips = Array.from({ length: shape.clients }, (_, c) => `203.0.${c % 256}.${(c * 7) % 250}`);
    this.accountOf = Array.from({ length: shape.clients }, (_, i) => (i < SPECIAL ? '' : `acc_${Math.floor(this.rand() * shape.accounts)}`));
    // Zipf(1.07) over clients: a few bots make most of the traffic, most keys are quiet.
    // The first ten keys are admins and resource servers; the account keys behind them make the traffic.
    const w = Array.from({ length: shape.clients - SPECIAL }, (_, i) => 1 / Math.pow(i + 1, 1.07));
    const total = w.reduce((a, b) => a + b, 0);
    this.zipf = new Float64Array(shape.clients - SPECIAL);
    let acc = 0;
    w.forEach((x, i) => (this.zipf[i] = acc += x / total));
    let cum = 0;
    this.typeCdf = TYPES.map(([t, p]) => [t, (cum += p) / 1000]);
    this.start = shape.end.getTime() - shape.days * 86_400_000;
    this.step = (shape.days * 86_400_000) / shape.rows;
  }

  get lastId(): string {
    return this.id.toString();
  }

  get lastHash(): string {
    return this.prevHash;
  }

  /** The next `n` events of the chain, as stored. */
  next(n: number): FlatRow[] {
    const out: FlatRow[] = [];
    for (let k = 0; k < n; k++) {
      this.id += 1;
      const e = this.event(this.id);
      const hash = createHash('sha256').update(this.prevHash).update(canonical(e)).digest('hex');
      out.push({
        id: e.id,
        occurred_at: e.occurred_at,
        type: e.type,
        outcome: e.outcome,
        actor_client_id: e.actor.client_id,
        actor_ip: e.actor.ip,
        actor_user_agent: e.actor.user_agent,
        subject_client_id: e.subject.client_id,
        subject_account_id: e.subject.account_id,
        subject_jti: e.subject.jti,
        reason: e.reason,
        request_id: e.request_id as string,
        data: e.data,
        prev_hash: this.prevHash,
        hash,
      });
      this.prevHash = hash;
    }
    return out;
  }

  private event(id: number): Omit<AuditEventView, 'prev_hash' | 'hash'> {
    const r = this.rand;
    const ms = Math.floor(this.start + id * this.step);
    const occurred = new Date(ms).toISOString();
    const type = this.pick();
    const c = this.client();
    const client = this.clientIds[c] as string;
    const account = (this.accountOf[c] as string) || null;
    const ip = this.ips[c] as string;
    const ua = USER_AGENTS[c % USER_AGENTS.length] as string;
    const jti = this.chars(22);
    const base = { id: String(id), occurred_at: occurred, type, request_id: this.chars(24) };
    const actor = { client_id: client, ip, user_agent: ua };
    const subject = { client_id: client, account_id: account, jti: null as string | null };
    const admin = this.clientIds[c % 5] as string;
    switch (type) {
      case 'token.issued': {
        const iat = Math.floor(ms / 1000);
        return { ...base, outcome: 'success', actor, subject: { ...subject, jti }, reason: null, data: { scope: 'exchange:orders:read exchange:orders:write', aud: 'urn:wagmix:exchange', iat, exp: iat + 900, secret_id: `s_${c}`, grant_type: 'client_credentials', auth_method: 'client_secret_basic' } };
      }
      case 'token.introspected': {
        const rs = this.clientIds[5 + (c % 5)] as string;
        const active = r() < 0.98;
        return { ...base, outcome: active ? 'success' : 'failure', actor: { client_id: rs, ip: '10.0.0.5', user_agent: 'wagmix-exchange/3.1' }, subject: { ...subject, jti }, reason: active ? null : 'inactive', data: { active } };
      }
      case 'token.denied': {
        const reason = DENIAL_REASONS[Math.floor(r() * DENIAL_REASONS.length)] as string;
        return { ...base, outcome: 'failure', actor, subject, reason, data: { error: reason === 'invalid_scope' ? 'invalid_scope' : 'invalid_client', auth_method: 'client_secret_basic' } };
      }
      case 'access.denied':
        return { ...base, outcome: 'failure', actor, subject: { ...subject, jti }, reason: 'insufficient_scope', data: { status: 403, method: 'GET', route: '/admin/keys' } };
      case 'token.revoked':
        return { ...base, outcome: 'success', actor, subject: { ...subject, jti }, reason: 'client_request', data: { token_type_hint: 'access_token' } };
      case 'signing_key.rotated':
        return { ...base, outcome: 'success', actor: { client_id: null, ip: null, user_agent: null }, subject: { client_id: null, account_id: null, jti: null }, reason: 'scheduled', data: { kid: this.chars(43), alg: 'ES256', state: 'active' } };
      case 'audit.pruned':
        return { ...base, outcome: 'success', actor: { client_id: null, ip: null, user_agent: null }, subject: { client_id: null, account_id: null, jti: null }, reason: 'retention', data: { note: 'synthetic' } };
      default:
        // key.*: an admin acts on the key.
        return { ...base, outcome: 'success', actor: { client_id: admin, ip: '10.0.0.9', user_agent: 'wagmix-admin/1.0' }, subject, reason: null, data: { label: `bot ${c}`, scopes: ['exchange:orders:read'] } };
    }
  }

  private pick(): string {
    const x = this.rand();
    for (const [t, p] of this.typeCdf) if (x < p) return t;
    return 'token.issued';
  }

  /** Binary search in the Zipf CDF. */
  private client(): number {
    const x = this.rand();
    let lo = 0;
    let hi = this.zipf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.zipf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return SPECIAL + lo;
  }

  /** Random base64url text: unique enough for jti and request ids, and far cheaper than picking characters one by one. */
  private chars(n: number): string {
    if (this.pool.length - this.poolAt < n) {
      this.pool = randomBytes(1 << 20).toString('base64url');
      this.poolAt = 0;
    }
    this.poolAt += n;
    return this.pool.slice(this.poolAt - n, this.poolAt);
  }
}
