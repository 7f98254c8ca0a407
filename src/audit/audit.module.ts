import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import { AuditSealsRepository } from '../../core/audit/audit-seals.repository';
import { repositoryProvider } from '../database/repository.provider';
import { AuditController } from './audit.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsService } from './audit-events.service';
import { AuditVerifyService } from './audit-verify.service';

@Module({
  controllers: [AuditController, AuditEventsController],
  providers: [repositoryProvider(AuditEventsRepository), repositoryProvider(AuditSealsRepository), AuditVerifyService, AuditEventsService],
})
export class AuditModule {}
