import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/admission.module';
import { StoresModule } from '../stores/stores.module';
import { CheckoutBatchesRepository } from '../../core/checkout-batches/checkout-batches.repository';
import { repositoryProvider } from '../database/repository.provider';
import { CheckoutBatchesController } from './checkout-batches.controller';
import { CheckoutBatchesService } from './checkout-batches.service';

@Module({ imports: [StoresModule, AdmissionModule], controllers: [CheckoutBatchesController], providers: [CheckoutBatchesService, repositoryProvider(CheckoutBatchesRepository)] })
export class CheckoutBatchesModule {}
