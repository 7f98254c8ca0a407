import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { encryptionCodecFor } from './encryption-codec';

/**
 * How the API's client rides out a Temporal outage. The SDK's default retries an unreachable
 * frontend for ~20 s, so a till waited 20 s for its 503; a POS retries anyway (same key, same
 * answer), so the API gives up after ~1 s of retries (4 attempts) and says 503 with Retry-After.
 * gRPC's reconnect backoff grows to 2 minutes by default: capped at 1 s, the API finds a restarted
 * server within a second instead of up to two minutes later.
 */
export const API_TEMPORAL_RETRY = { maxAttempts: 4 } as const;
export const API_TEMPORAL_CHANNEL_ARGS = { 'grpc.max_reconnect_backoff_ms': 1000, 'grpc.initial_reconnect_backoff_ms': 250 } as const;

/** The Temporal client the API starts and drives sagas with. */
@Global()
@Module({
  providers: [
    {
      provide: Client,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        // lazy: the API starts (and /health answers) even while Temporal is still coming up.
        const connection = Connection.lazy({
          address: config.TEMPORAL_ADDRESS,
          interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions(API_TEMPORAL_RETRY))],
          channelArgs: { ...API_TEMPORAL_CHANNEL_ARGS },
        });
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
