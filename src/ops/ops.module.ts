import { Module } from '@nestjs/common';
import { OpsAudit } from './ops-audit';
import { OpsController } from './ops.controller';
import { OpsService } from './ops.service';

/** Ops over checkout sagas (design §7). Access control (ops, admin) is wired by the API keys work. */
@Module({ controllers: [OpsController], providers: [OpsService, OpsAudit] })
export class OpsModule {}
