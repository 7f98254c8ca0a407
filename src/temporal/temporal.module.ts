import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { encryptionCodecFor } from './encryption-codec';

/** The Temporal client the API starts and drives sagas with. */
@Global()
@Module({
  providers: [
    {
      provide: Client,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        // lazy: the API starts (and /health answers) even while Temporal is still coming up.
        const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
        // Payloads are encrypted before they leave the API (customer identifiers ride in checkout inputs).
        return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: { payloadCodecs: [encryptionCodecFor(config)] } });
      },
    },
  ],
  exports: [Client],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
