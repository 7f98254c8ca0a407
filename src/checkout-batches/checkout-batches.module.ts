import { Module } from '@nestjs/common';
import { CheckoutBatchesController } from './checkout-batches.controller';
import { CheckoutBatchesService } from './checkout-batches.service';

@Module({ controllers: [CheckoutBatchesController], providers: [CheckoutBatchesService] })
export class CheckoutBatchesModule {}
