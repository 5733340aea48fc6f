/**
 * GET /metrics in the Prometheus text format. Outside the bearer-token guard
 * (scrapers hold no OAuth token); MetricsAccess applies the configured checks.
 */
import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestContextService } from '../../common/http/request-context.service';
import { Public } from '../../guard/decorators';
import { MetricsAccess } from './metrics-access';
import { MetricsService } from './metrics.service';
import { ApiProblems } from '../../openapi/decorators';

@Public()
@ApiTags('Operations')
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(MetricsAccess) private readonly access: MetricsAccess,
    private readonly contexts: RequestContextService,
  ) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Served unless METRICS_ENABLED=false. METRICS_ALLOW_CIDRS limits the source addresses; METRICS_TOKEN requires `Authorization: Bearer <METRICS_TOKEN>` (a static token, not an OAuth one).',
  })
  @ApiResponse({ status: 200, description: 'The Prometheus text exposition format.', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } })
  @ApiProblems([401, 'METRICS_TOKEN is set and the request does not carry it.'], [403, 'The source address is outside METRICS_ALLOW_CIDRS.'])
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    this.access.check(this.contexts.of(req).ip, req.headers.authorization);
    const { contentType, body } = await this.metrics.scrape();
    void reply.type(contentType);
    return body;
  }
}
