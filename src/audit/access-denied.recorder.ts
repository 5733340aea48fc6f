/** Records every refusal by the bearer guard as an `access.denied` event, committed before the refusal leaves. */
import { Injectable } from '@nestjs/common';
import { type AccessDenial, AccessDeniedSink } from '../guard/guard-options';
import { AuditService } from './audit.service';

@Injectable()
export class AccessDeniedRecorder extends AccessDeniedSink {
  constructor(private readonly audit: AuditService) {
    super();
  }

  async record(d: AccessDenial): Promise<void> {
    await this.audit.record({
      type: 'access.denied',
      outcome: 'failure',
      actor: { clientId: d.clientId, ip: d.ip, userAgent: d.userAgent },
      subject: { clientId: d.clientId, accountId: d.accountId, jti: d.jti },
      reason: d.reason,
      requestId: d.requestId,
      data: { status: d.status, method: d.method, route: d.route, description: d.description },
    });
  }
}
