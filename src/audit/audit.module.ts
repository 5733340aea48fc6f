import { Global, Module } from '@nestjs/common';
import { AccessDeniedRecorder } from './access-denied.recorder';
import { AuditController } from './audit.controller';
import { AuditPruneRepository } from './audit-prune.repository';
import { AuditQueryService } from './audit-query.service';
import { AuditReadRepository } from './audit-read.repository';
import { AuditRepository } from './audit.repository';
import { AuditRetention } from './audit-retention.service';
import { AuditService } from './audit.service';
import { AuditVerifier } from './audit-verifier';
import { AuditWriter } from './audit-writer';

/** Recording (global: every feature records), plus the admin API, verification and retention. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditRepository,
    AuditWriter,
    AuditService,
    AccessDeniedRecorder,
    AuditReadRepository,
    AuditQueryService,
    AuditVerifier,
    AuditPruneRepository,
    AuditRetention,
  ],
  exports: [AuditService, AccessDeniedRecorder, AuditVerifier],
})
export class AuditModule {}
