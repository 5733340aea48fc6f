/**
 * Probes for orchestrators and load balancers (contract "Operations").
 * Liveness: the process answers (restart it if not). Readiness: it can serve
 * tokens right now (take it out of rotation if not): 200 when every check is
 * up, 503 naming the failed checks in `error` otherwise. Both are public and
 * never cached.
 */
import { Controller, Get, Header, Logger, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../guard/decorators';
import { ReadinessIndicators } from './readiness.indicators';
import { ApiJson } from '../openapi/decorators';

@Public()
@ApiTags('Operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Readiness');
  /** Logged on change only: a probe every few seconds must not flood the log during an outage. */
  private lastReady: boolean | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: ReadinessIndicators,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiJson(200, 'HealthCheckResult', 'Alive.')
  @Header('Cache-Control', 'no-store')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: store, active signing key and revocation listener' })
  @ApiJson(200, 'HealthCheckResult', 'Every check is up.')
  @ApiJson(503, 'HealthCheckResult', 'Not ready: `error` names the failed checks.')
  @Header('Cache-Control', 'no-store')
  async ready(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      const result = await this.health.check([
        () => this.indicators.database(),
        () => this.indicators.signingKey(),
        () => this.indicators.revocationListener(),
      ]);
      this.transition(true, result, String(req.id));
      return result;
    } catch (err) {
      // Terminus reports failed checks as a 503 exception carrying the result; answer it as is.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      this.transition(false, result, String(req.id));
      void reply.status(503);
      return result;
    }
  }

  /** Logged with the id of the probe that saw the change. */
  private transition(ready: boolean, result: HealthCheckResult, requestId: string): void {
    if (this.lastReady === ready) return;
    if (ready) this.logger.log({ request_id: requestId }, 'ready');
    else this.logger.warn({ request_id: requestId }, `not ready: ${Object.keys(result.error ?? {}).join(', ')}`);
    this.lastReady = ready;
  }
}
