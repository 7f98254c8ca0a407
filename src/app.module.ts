import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CheckoutsModule } from './checkouts/checkouts.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { OpsModule } from './ops/ops.module';
import { ProductsModule } from './products/products.module';
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
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
            customProps: (req) => ({ checkoutId: (req as { params?: { id?: string } }).params?.id }),
          },
        }),
        DatabaseModule,
        TemporalModule,
        CheckoutsModule,
        ProductsModule,
        OpsModule,
      ],
      controllers: [HealthController],
    };
  }
}
