import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import { repositoryProvider } from '../database/repository.provider';
import { OpsAudit } from './ops-audit';
import { OpsController } from './ops.controller';
import { OpsService } from './ops.service';

/** Ops over checkout sagas (design §7). Access control (ops, admin) is wired by the API keys work. */
@Module({ controllers: [OpsController], providers: [OpsService, OpsAudit, repositoryProvider(AuditEventsRepository)] })
export class OpsModule {}
