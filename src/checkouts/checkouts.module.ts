import { Module } from '@nestjs/common';
import { CheckoutSagaGateway } from './checkout-saga.gateway';
import { CheckoutReturnsService } from './checkout-returns.service';
import { CheckoutVoidService } from './checkout-void.service';
import { CheckoutsController } from './checkouts.controller';
import { CheckoutsService } from './checkouts.service';

@Module({ controllers: [CheckoutsController], providers: [CheckoutsService, CheckoutSagaGateway, CheckoutVoidService, CheckoutReturnsService] })
export class CheckoutsModule {}
