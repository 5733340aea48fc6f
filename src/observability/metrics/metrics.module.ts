/**
 * Metrics: the registry and its feeds (token endpoint, guard decisions via
 * GuardDecisionSink, audit group commits via AuditFlushObserver, pool usage),
 * and GET /metrics unless METRICS_ENABLED=false. Global, because the guard and
 * the audit writer find their optional hooks among the global providers.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { PoolStats } from '../../database/pool-stats';
import { GuardDecisionSink } from '../../guard/guard-options';
import { AuditFlushObserver } from './audit-flush-observer';
import { MetricsAccess } from './metrics-access';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: config.metrics.enabled ? [MetricsController] : [],
      providers: [
        PoolStats,
        MetricsService,
        { provide: MetricsAccess, useValue: new MetricsAccess(config.metrics) },
        {
          provide: GuardDecisionSink,
          useFactory: (m: MetricsService): GuardDecisionSink => ({ observe: (d) => m.guardDecision(d) }),
          inject: [MetricsService],
        },
        {
          provide: AuditFlushObserver,
          useFactory: (m: MetricsService): AuditFlushObserver => ({ flushed: (n, s, ok) => m.auditFlushed(n, s, ok) }),
          inject: [MetricsService],
        },
      ],
      exports: [MetricsService, GuardDecisionSink, AuditFlushObserver],
    };
  }
}
