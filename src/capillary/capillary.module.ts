import { Module } from '@nestjs/common';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { projectionRepositoryProvider } from '../database/repository.provider';
import { CapillaryRetroController } from './capillary-retro.controller';
import { CapillaryRetroService } from './capillary-retro.service';
import { CapillaryValidationCodesController } from './capillary-validation-codes.controller';
import { CapillaryValidationCodesService } from './capillary-validation-codes.service';

/** The till's Capillary calls outside a checkout's phases: validation codes (OTPs) and retro-tagging of a bill. */
@Module({
  controllers: [CapillaryValidationCodesController, CapillaryRetroController],
  providers: [
    CapillaryValidationCodesService,
    CapillaryRetroService,
    projectionRepositoryProvider(CheckoutsRepository),
    // Keys customer identifiers into workflow ids and repeated-request checks (never the identifier itself).
    { provide: CustomerRefHasher, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new CustomerRefHasher(config.auditHmacKey) },
  ],
})
export class CapillaryModule {}
