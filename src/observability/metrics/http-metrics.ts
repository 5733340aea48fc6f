import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MetricsService } from './metrics.service';

/**
 * Times every request in Fastify's onResponse hook, so the token endpoint's
 * histogram covers what a client waits for: body parsing, client
 * authentication (a guard), signing and the audit commit, not the handler alone.
 */
export function installHttpMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(MetricsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (req, reply) => {
      // The route pattern, never the raw URL: label values must stay a small, fixed set.
      metrics.httpRequest(req.method, req.routeOptions.url ?? '', reply.statusCode, reply.elapsedTime / 1000);
    });
}
