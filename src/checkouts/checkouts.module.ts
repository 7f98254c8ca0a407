import { Module } from '@nestjs/common';
import { CheckoutSagaGateway } from './checkout-saga.gateway';
import { CheckoutsController } from './checkouts.controller';
import { CheckoutsService } from './checkouts.service';

@Module({ controllers: [CheckoutsController], providers: [CheckoutsService, CheckoutSagaGateway] })
export class CheckoutsModule {}
