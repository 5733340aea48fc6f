/**
 * Logs and metrics for the authorization server, configured from AppConfig.
 * The log stream is resolved before the module is built (see createApp), so
 * tests can hand in a stream they read.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

export interface ObservabilityOptions {
  readonly logStream: DestinationStream;
}

@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(config.logLevel, options.logStream), MetricsModule.forRoot(config)],
      exports: [LoggingModule, MetricsModule],
    };
  }
}
