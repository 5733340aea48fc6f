import { Global, Module } from '@nestjs/common';
import { AccessDeniedRecorder } from './access-denied.recorder';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditWriter } from './audit-writer';

@Global()
@Module({
  providers: [AuditRepository, AuditWriter, AuditService, AccessDeniedRecorder],
  exports: [AuditService, AccessDeniedRecorder],
})
export class AuditModule {}
