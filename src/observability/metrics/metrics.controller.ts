/**
 * GET /metrics in the Prometheus text format. Outside the bearer-token guard
 * (scrapers hold no OAuth token); MetricsAccess applies the configured checks.
 */
import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestContextService } from '../../common/http/request-context.service';
import { Public } from '../../guard/decorators';
import { MetricsAccess } from './metrics-access';
import { MetricsService } from './metrics.service';

@Public()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(MetricsAccess) private readonly access: MetricsAccess,
    private readonly contexts: RequestContextService,
  ) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    this.access.check(this.contexts.of(req).ip, req.headers.authorization);
    const { contentType, body } = await this.metrics.scrape();
    void reply.type(contentType);
    return body;
  }
}
