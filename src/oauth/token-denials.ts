/**
 * Records `token.denied` with the true reason before the error answer leaves.
 * If the audit write itself fails, the caller gets 503: nothing is refused
 * (or granted) unrecorded.
 */
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { InvalidClient, OAuthError, TemporarilyUnavailable } from '../common/errors/oauth-error';
import type { RequestContext } from '../common/http/request-context';
import { MetricsService } from '../observability/metrics/metrics.service';

@Injectable()
export class TokenDenials {
  private readonly logger = new Logger(TokenDenials.name);

  constructor(
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** Returns the error to throw: the original, or 503 when it could not be recorded. */
  async record(error: OAuthError, ctx: RequestContext, clientId: string | null, authMethod: string): Promise<OAuthError> {
    const attempted = error instanceof InvalidClient ? error.attemptedClientId : clientId;
    try {
      await this.audit.record({
        type: 'token.denied',
        outcome: 'failure',
        actor: { clientId: attempted, ip: ctx.ip, userAgent: ctx.userAgent },
        subject: { clientId: attempted },
        reason: error.auditReason,
        requestId: ctx.requestId,
        data: { error: error.error, auth_method: authMethod },
      });
      this.metrics.tokenDenied(error.auditReason);
      return error;
    } catch (err) {
      this.logger.error({ request_id: ctx.requestId }, `token.denied not recorded: ${String(err)}`);
      return new TemporarilyUnavailable('The token service is unavailable, retry shortly');
    }
  }
}
