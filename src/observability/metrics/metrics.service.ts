/**
 * The service's Prometheus metrics, in one registry owned by this instance of
 * the application (not prom-client's global one, so two apps in one process, as
 * in the e2e tests, never collide). Feature code reports through the small
 * methods below and never touches prom-client itself; pool usage is read at
 * scrape time, and the Node.js defaults (event-loop lag, heap, GC) come from
 * prom-client's collector.
 */
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TOKEN_DENIED_REASONS, type TokenDeniedReason } from '../../audit/audit-event';
import { PoolStats } from '../../database/pool-stats';
import type { GuardDecision } from '../../guard/guard-options';

/** Seconds; the token endpoint is expected to answer in single-digit milliseconds, so the low end is fine-grained. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const GUARD_DENIAL_REASONS: readonly Extract<GuardDecision, { outcome: 'denied' }>['reason'][] = [
  'missing_token',
  'invalid_token',
  'insufficient_scope',
  'ip_not_allowed',
];

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly issued: Counter<'auth_method'>;
  private readonly denied: Counter<'reason'>;
  private readonly tokenDuration: Histogram<'status_code'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly guardDecisions: Counter<'decision' | 'reason'>;
  private readonly auditFlushDuration: Histogram<'outcome'>;
  private readonly auditEvents: Counter<'outcome'>;

  constructor(pool: PoolStats) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.issued = new Counter({
      name: 'wagmix_tokens_issued_total',
      help: 'Access tokens issued (token.issued committed), by client authentication method',
      labelNames: ['auth_method'],
      registers,
    });
    this.denied = new Counter({
      name: 'wagmix_tokens_denied_total',
      help: 'Token requests refused (token.denied), by the true reason recorded in the audit log',
      labelNames: ['reason'],
      registers,
    });
    // Every known reason starts at 0, so rate() and alerts work before the first refusal.
    for (const reason of TOKEN_DENIED_REASONS) this.denied.labels(reason).inc(0);
    this.tokenDuration = new Histogram({
      name: 'wagmix_token_request_duration_seconds',
      help: 'POST /oauth2/token, from the first byte to the response (client authentication, signing and the audit commit included)',
      labelNames: ['status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'wagmix_http_request_duration_seconds',
      help: 'HTTP requests by route pattern (unknown paths are route="")',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.guardDecisions = new Counter({
      name: 'wagmix_guard_decisions_total',
      help: 'Bearer-token guard decisions on protected routes: allowed, or denied with the reason',
      labelNames: ['decision', 'reason'],
      registers,
    });
    this.guardDecisions.labels({ decision: 'allowed', reason: '' }).inc(0);
    for (const reason of GUARD_DENIAL_REASONS) this.guardDecisions.labels({ decision: 'denied', reason }).inc(0);
    this.auditFlushDuration = new Histogram({
      name: 'wagmix_audit_write_duration_seconds',
      help: 'One group commit of audit events (a transaction appending a batch to the hash chain)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.auditEvents = new Counter({
      name: 'wagmix_audit_events_written_total',
      help: 'Audit events handed to a group commit, by whether the commit succeeded',
      labelNames: ['outcome'],
      registers,
    });
    for (const [name, help, read] of [
      ['wagmix_db_pool_connections', 'Connections open in the PostgreSQL pool', (s: PoolSnapshot) => s.total],
      ['wagmix_db_pool_idle_connections', 'Open pool connections not in use', (s: PoolSnapshot) => s.idle],
      ['wagmix_db_pool_waiting_requests', 'Queries waiting for a pool connection (saturation)', (s: PoolSnapshot) => s.waiting],
      ['wagmix_db_pool_max_connections', 'Pool size limit', (s: PoolSnapshot) => s.max],
    ] as const) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const snapshot = pool.snapshot();
          if (snapshot) this.set(read(snapshot));
        },
      });
    }
  }

  tokenIssued(authMethod: string): void {
    this.issued.labels(authMethod).inc();
  }

  tokenDenied(reason: TokenDeniedReason): void {
    this.denied.labels(reason).inc();
  }

  guardDecision(decision: GuardDecision): void {
    if (decision.outcome === 'allowed') this.guardDecisions.labels({ decision: 'allowed', reason: '' }).inc();
    else this.guardDecisions.labels({ decision: 'denied', reason: decision.reason }).inc();
  }

  auditFlushed(events: number, seconds: number, committed: boolean): void {
    const outcome = committed ? 'committed' : 'failed';
    this.auditFlushDuration.labels(outcome).observe(seconds);
    this.auditEvents.labels(outcome).inc(events);
  }

  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const status = String(statusCode);
    this.httpDuration.labels({ method, route, status_code: status }).observe(seconds);
    if (route === '/oauth2/token' && method === 'POST') this.tokenDuration.labels(status).observe(seconds);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

type PoolSnapshot = NonNullable<ReturnType<PoolStats['snapshot']>>;
