import { Module } from '@nestjs/common';
import { CallbacksModule } from '../callbacks/callbacks.module';
import { StoresModule } from '../stores/stores.module';
import { AdmissionModule } from '../admission/admission.module';
import { Client } from '@temporalio/client';
import { AfterSale } from '../../core/checkouts/after-sale';
import { CheckoutReturnsClient } from '../../core/checkouts/checkout-returns.client';
import { CheckoutSagaClient, type CheckoutSagaClientOptions } from '../../core/checkouts/checkout-saga.client';
import { CheckoutVoidClient } from '../../core/checkouts/checkout-void.client';
import { CheckoutsRepository } from '../../core/checkouts/checkouts.repository';
import { StoredCheckoutAnswers } from '../../core/checkouts/stored-checkout-answers';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { projectionRepositoryProvider } from '../database/repository.provider';
import { CheckoutReturnsService } from './checkout-returns.service';
import { CheckoutsController } from './checkouts.controller';
import { CheckoutsService } from './checkouts.service';

const sagaClientOptions = (config: AppConfig): CheckoutSagaClientOptions => ({
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  answerTimeoutMs: config.CHECKOUT_ANSWER_TIMEOUT_MS,
});

/** The saga clients and the projection's repository are framework-free (core/): Nest only builds them from the API's client, database and config. */
const coreProviders = [
  {
    provide: CheckoutSagaClient,
    inject: [Client, APP_CONFIG, StoredCheckoutAnswers],
    useFactory: (temporal: Client, config: AppConfig, endedCheckouts: StoredCheckoutAnswers) =>
      new CheckoutSagaClient(temporal, { ...sagaClientOptions(config), endedCheckouts }),
  },
  projectionRepositoryProvider(StoredCheckoutAnswers),
  projectionRepositoryProvider(CheckoutsRepository),
  { provide: AfterSale, inject: [Client, CheckoutsRepository], useFactory: (temporal: Client, checkouts: CheckoutsRepository) => new AfterSale(temporal, checkouts) },
  {
    provide: CheckoutVoidClient,
    inject: [Client, AfterSale, APP_CONFIG],
    useFactory: (temporal: Client, afterSale: AfterSale, config: AppConfig) => new CheckoutVoidClient(temporal, afterSale, sagaClientOptions(config)),
  },
  {
    provide: CheckoutReturnsClient,
    inject: [Client, AfterSale, APP_CONFIG],
    useFactory: (temporal: Client, afterSale: AfterSale, config: AppConfig) => new CheckoutReturnsClient(temporal, afterSale, sagaClientOptions(config)),
  },
];

@Module({ imports: [StoresModule, CallbacksModule, AdmissionModule], controllers: [CheckoutsController], providers: [...coreProviders, CheckoutsService, CheckoutReturnsService] })
export class CheckoutsModule {}
