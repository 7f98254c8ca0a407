import { Module } from '@nestjs/common';
import { CapillaryValidationCodesController } from './capillary-validation-codes.controller';
import { CapillaryValidationCodesService } from './capillary-validation-codes.service';

/** The till's Capillary calls outside a checkout: validation codes (OTPs). */
@Module({ controllers: [CapillaryValidationCodesController], providers: [CapillaryValidationCodesService] })
export class CapillaryModule {}
