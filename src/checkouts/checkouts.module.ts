import { Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { AfterSale } from '../../core/checkouts/after-sale';
import { CheckoutSagaClient } from '../../core/checkouts/checkout-saga.client';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CheckoutReturnsService } from './checkout-returns.service';
import { CheckoutVoidService } from './checkout-void.service';
import { CheckoutsController } from './checkouts.controller';
import { CheckoutsService } from './checkouts.service';

/** The saga client is framework-free (core/): Nest only builds it from the API's client and config. */
const sagaClientProvider = {
  provide: CheckoutSagaClient,
  inject: [Client, APP_CONFIG],
  useFactory: (temporal: Client, config: AppConfig) =>
    new CheckoutSagaClient(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE, answerTimeoutMs: config.CHECKOUT_ANSWER_TIMEOUT_MS }),
};

const checkoutsRepositoryProvider = { provide: CheckoutsRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new CheckoutsRepository(dataSource) };
const afterSaleProvider = { provide: AfterSale, inject: [Client, CheckoutsRepository], useFactory: (temporal: Client, checkouts: CheckoutsRepository) => new AfterSale(temporal, checkouts) };

@Module({
  controllers: [CheckoutsController],
  providers: [CheckoutsService, sagaClientProvider, checkoutsRepositoryProvider, afterSaleProvider, CheckoutVoidService, CheckoutReturnsService],
})
export class CheckoutsModule {}
