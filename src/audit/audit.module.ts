import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import { AuditChainKeys } from '../../core/audit/audit-keys';
import { AuditSealsRepository } from '../../core/audit/audit-seals.repository';
import { ExternalSealStore, FileSealStore } from '../../core/audit/external-seal-store';
import { FileHeadCheckpointStore, HeadCheckpointStore } from '../../core/audit/head-checkpoint-store';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { repositoryProvider } from '../database/repository.provider';
import { AuditController } from './audit.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsService } from './audit-events.service';
import { AuditVerifyService } from './audit-verify.service';

@Module({
  controllers: [AuditController, AuditEventsController],
  providers: [
    repositoryProvider(AuditEventsRepository),
    repositoryProvider(AuditSealsRepository),
    { provide: AuditChainKeys, inject: [APP_CONFIG], useFactory: (config: AppConfig) => config.auditChainKeys },
    { provide: ExternalSealStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new FileSealStore(config.AUDIT_SEAL_DIR) },
    { provide: HeadCheckpointStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new FileHeadCheckpointStore(config.AUDIT_SEAL_DIR) },
    AuditVerifyService,
    AuditEventsService,
  ],
})
export class AuditModule {}
