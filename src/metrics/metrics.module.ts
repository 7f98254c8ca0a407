import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { createApiRegistry } from './api-metrics';
import { MetricsController } from './metrics.controller';

@Module({
  providers: [{ provide: Registry, inject: [DataSource], useFactory: (dataSource: DataSource) => createApiRegistry(dataSource) }],
  controllers: [MetricsController],
})
export class MetricsModule {}
