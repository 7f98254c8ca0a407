import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import { projectionRepositoryProvider, repositoryProvider } from '../database/repository.provider';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import { OpsAudit } from './ops-audit';
import { OpsController } from './ops.controller';
import { OpsService } from './ops.service';
import { VendorCircuitsController } from './vendor-circuits.controller';
import { VendorCircuitsService } from './vendor-circuits.service';

/** Ops over checkout sagas (design §7) and the vendors' circuit breakers. Access control (ops, admin) is wired by the API keys work. */
@Module({
  controllers: [OpsController, VendorCircuitsController],
  providers: [OpsService, VendorCircuitsService, OpsAudit, repositoryProvider(AuditEventsRepository), projectionRepositoryProvider(CheckoutsRepository)],
})
export class OpsModule {}
