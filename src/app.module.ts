import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CheckoutBatchesModule } from './checkout-batches/checkout-batches.module';
import { AuditModule } from './audit/audit.module';
import { AccessModule } from './access/access.module';
import { CheckoutsModule } from './checkouts/checkouts.module';
import { CodecModule } from './temporal/codec.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { ProductsModule } from './products/products.module';
import { ReportsModule } from './reports/reports.module';
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
            // Keys and tokens never reach the log; bodies are not logged at all (they carry customer ids).
            redact: [
              'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
              // Should a body ever be logged (a serializer change, a debug level), its identifiers stay out.
              'req.body.customer.identifier.value', 'req.body.points.identifier.value', 'req.body.payloads',
            ],
            customProps: (req) => ({ checkoutId: (req as { params?: { id?: string } }).params?.id }),
          },
        }),
        DatabaseModule,
        TemporalModule,
        // Before CheckoutsModule: its `v1/checkouts/batch` routes are registered first.
        CheckoutBatchesModule,
        AccessModule,
        CheckoutsModule,
        ProductsModule,
        AuditModule,
        CodecModule,
        ReportsModule,
      ],
      controllers: [HealthController],
    };
  }
}
