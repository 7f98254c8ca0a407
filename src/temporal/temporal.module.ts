import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../../core/config/app-config';
import { createApiTemporalClient } from '../../core/temporal/temporal-client';
import { APP_CONFIG } from '../config/config.module';

/** The Temporal client the API starts and drives sagas with (built in core/temporal/temporal-client.ts). */
@Global()
@Module({
  providers: [{ provide: Client, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createApiTemporalClient(config) }],
  exports: [Client],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
