import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventsService } from './audit-events.service';
import { AuditVerifyService } from './audit-verify.service';

@Module({ controllers: [AuditController, AuditEventsController], providers: [AuditVerifyService, AuditEventsRepository, AuditEventsService] })
export class AuditModule {}
