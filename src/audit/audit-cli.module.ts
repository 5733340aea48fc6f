/**
 * The audit commands for the operator CLI (nest-commander). Import it into
 * the CLI's root module next to DatabaseModule.forRoot(...), which provides
 * the DataSource the verifier reads through.
 */
import { Module } from '@nestjs/common';
import { AuditReadRepository } from './audit-read.repository';
import { AuditVerifier } from './audit-verifier';
import { AuditVerifyCommand } from './audit-verify.command';

@Module({
  providers: [AuditReadRepository, AuditVerifier, AuditVerifyCommand],
  exports: [AuditVerifier],
})
export class AuditCliModule {}
