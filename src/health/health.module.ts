import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TokensModule } from '../tokens/tokens.module';
import { HealthController } from './health.controller';
import { ReadinessIndicators } from './readiness.indicators';

/** /health/live and /health/ready with @nestjs/terminus (its own error logging off: the controller logs transitions). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), TokensModule],
  controllers: [HealthController],
  providers: [ReadinessIndicators],
})
export class HealthModule {}
