import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { CallbacksModule } from './callbacks/callbacks.module';
import { CapillaryModule } from './capillary/capillary.module';
import { CheckoutBatchesModule } from './checkout-batches/checkout-batches.module';
import { AuditModule } from './audit/audit.module';
import { AccessModule } from './access/access.module';
import { CheckoutsModule } from './checkouts/checkouts.module';
import { CodecModule } from './temporal/codec.module';
import type { AppConfig } from '../core/config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { CheckoutLogContextInterceptor } from './logging/checkout-log-context.interceptor';
import { checkoutLogFields } from './logging/checkout-log-context';
import { REDACTION, loggableUrl } from '../core/logging/log-redaction';
import { ReadinessService } from './health/readiness.service';
import { MetricsModule } from './metrics/metrics.module';
import { OpsModule } from './ops/ops.module';
import { ProductsModule } from './products/products.module';
import { ReportsModule } from './reports/reports.module';
import { StoresModule } from './stores/stores.module';
import { TemporalModule } from './temporal/temporal.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            // Keys, tokens and personal data never reach the log; bodies are not logged at all (they carry customer ids).
            redact: REDACTION,
            // The URL, but never a credential in its path.
            serializers: { req: (req: { url?: string }) => ({ ...req, url: loggableUrl(req.url) }) },
            // The request and response lines; lines logged while handling get the same through the interceptor.
            customProps: (req) => checkoutLogFields(req as Parameters<typeof checkoutLogFields>[0], config.MERCHANT_ID),
          },
        }),
        DatabaseModule,
        TemporalModule,
        // Before CheckoutsModule: its `v1/checkouts/batch` routes are registered first.
        CheckoutBatchesModule,
        AccessModule,
        CheckoutsModule,
        ProductsModule,
        CapillaryModule,
        AuditModule,
        CodecModule,
        ReportsModule,
        OpsModule,
        StoresModule,
        CallbacksModule,
        MetricsModule,
      ],
      controllers: [HealthController],
      providers: [ReadinessService, { provide: APP_INTERCEPTOR, useClass: CheckoutLogContextInterceptor }],
    };
  }
}
