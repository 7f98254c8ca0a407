import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditVerifyService } from './audit-verify.service';

@Module({ controllers: [AuditController], providers: [AuditVerifyService] })
export class AuditModule {}
