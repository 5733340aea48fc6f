/**
 * Metrics for the authorization server, configured from AppConfig. Logging
 * needs no module: the logger is built before the application (see createApp),
 * so even a start that fails is logged as JSON lines.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { MetricsModule } from './metrics/metrics.module';

@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [MetricsModule.forRoot(config)],
      exports: [MetricsModule],
    };
  }
}
