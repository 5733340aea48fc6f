import { Global, Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditWriter } from './audit-writer';

@Global()
@Module({
  providers: [AuditRepository, AuditWriter, AuditService],
  exports: [AuditService],
})
export class AuditModule {}
