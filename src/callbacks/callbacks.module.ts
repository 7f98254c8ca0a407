import { Module } from '@nestjs/common';
import { CallbackOutboxRepository } from '../../core/callbacks/callback-outbox.repository';
import { CallbackSecretBox } from '../../core/callbacks/callback-secret-box';
import { CallbackSettingsRepository } from '../../core/callbacks/callback-settings.repository';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { repositoryProvider } from '../database/repository.provider';
import { MetricsModule } from '../metrics/metrics.module';
import { OpsAudit } from '../ops/ops-audit';
import { CallbackAudit } from './callback-audit';
import { CallbackDispatcher } from './callback-dispatcher';
import { CallbackEventsController } from './callback-events.controller';
import { CallbackEventsService } from './callback-events.service';
import { CallbackSettingsController } from './callback-settings.controller';
import { CallbackSettingsService } from './callback-settings.service';
import { CheckoutCallbacks } from './checkout-callbacks';

/**
 * Callbacks when a checkout ends: the admin settings, the ops view of the outbox, and the dispatcher
 * that delivers it. CheckoutCallbacks is exported for the checkouts API (it marks 202 answers).
 */
@Module({
  imports: [MetricsModule],
  controllers: [CallbackSettingsController, CallbackEventsController],
  providers: [
    repositoryProvider(CallbackOutboxRepository),
    repositoryProvider(CallbackSettingsRepository),
    {
      provide: CallbackSecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new CallbackSecretBox({ id: config.TEMPORAL_CODEC_KEY_ID, key: config.temporalCodecKey }, config.temporalCodecOldKeys),
    },
    OpsAudit,
    CallbackAudit,
    CallbackDispatcher,
    CallbackSettingsService,
    CallbackEventsService,
    CheckoutCallbacks,
  ],
  exports: [CheckoutCallbacks],
})
export class CallbacksModule {}
