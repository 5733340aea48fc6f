import { Controller, Get } from '@nestjs/common';
import { Problem } from '../common/errors/problem';
import { StoreHealth } from '../database/store-health';
import { Public } from '../guard/decorators';

/** Liveness says the process answers; readiness says it can reach its store. */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly store: StoreHealth) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: { database: 'up' } }> {
    if (!(await this.store.ping())) throw new Problem(503, 'Service Unavailable', 'The store is unreachable', 'urn:wagmix:problem:not-ready');
    return { status: 'ok', checks: { database: 'up' } };
  }
}
