import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createApiRegistry } from './api-metrics';
import { MetricsController } from './metrics.controller';

@Module({
  providers: [{ provide: Registry, useFactory: () => createApiRegistry() }],
  controllers: [MetricsController],
  exports: [Registry],
})
export class MetricsModule {}
