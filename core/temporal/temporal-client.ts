import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { encryptionCodecFor } from './encryption-codec';
import { FAILURE_CONVERTER_PATH } from './failure-converter-path';
import { temporalConnectionOptions, type TemporalConnectionSettings } from './temporal-connection';

type TemporalSettings = TemporalConnectionSettings & Pick<AppConfig, 'TEMPORAL_NAMESPACE'> & Parameters<typeof encryptionCodecFor>[0];

/**
 * How the API's client rides out a Temporal outage. The SDK's default retries an unreachable
 * frontend for ~20 s, so a till waited 20 s for its 503; a POS retries anyway (same key, same
 * answer), so the API gives up after ~1 s of retries (4 attempts) and says 503 with Retry-After.
 * gRPC's reconnect backoff grows to 2 minutes by default: capped at 1 s, the API finds a restarted
 * server within a second instead of up to two minutes later.
 */
export const API_TEMPORAL_RETRY = { maxAttempts: 4 } as const;
export const API_TEMPORAL_CHANNEL_ARGS = { 'grpc.max_reconnect_backoff_ms': 1000, 'grpc.initial_reconnect_backoff_ms': 250 } as const;

/**
 * A client on `connection` with the payload codec: every client of ours reads and writes encrypted
 * payloads, failure messages and stack traces included. It still reads unencrypted payloads (histories
 * from before the codec); only the worker refuses them.
 */
export function temporalClientOn(connection: Connection, config: TemporalSettings): Client {
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: { payloadCodecs: [encryptionCodecFor(config)], failureConverterPath: FAILURE_CONVERTER_PATH },
  });
}

/**
 * The API's client: lazy, so the API starts (and /health answers) while Temporal is still coming
 * up, and quick to give up during an outage (see API_TEMPORAL_RETRY).
 */
export function createApiTemporalClient(config: TemporalSettings): Client {
  const connection = Connection.lazy({
    ...temporalConnectionOptions(config),
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions(API_TEMPORAL_RETRY))],
    channelArgs: { ...API_TEMPORAL_CHANNEL_ARGS },
  });
  return temporalClientOn(connection, config);
}

/** Connects a short-lived client (start scripts, tests), runs `use`, and closes the connection. */
export async function withTemporalClient<T>(config: TemporalSettings, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    return await use(temporalClientOn(connection, config));
  } finally {
    await connection.close();
  }
}
