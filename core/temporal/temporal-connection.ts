import type { AppConfig } from '../config/app-config';
import { TEMPORAL_TLS_SETTINGS, type TemporalTls } from '../config/temporal-tls';

/** The part of the config that says how to reach Temporal. */
export type TemporalConnectionSettings = Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_API_KEY' | 'temporalTls'>;

/** What both `Connection.connect` (client) and `NativeConnection.connect` (worker) take to reach our server. */
export interface TemporalConnectionOptions {
  address: string;
  /** Undefined: plaintext (the dev server). */
  tls?: TemporalTls;
  /** Sent as `authorization: Bearer <key>` on every call (Temporal Cloud API keys). */
  apiKey?: string;
}

/**
 * The one place every connection of ours (API, worker, scripts, tests, bench) gets its options, so TLS
 * and API keys reach all of them. tls is always explicit: the SDK would turn TLS on by itself for an API
 * key, but the config already decided (resolveTemporalTls).
 */
export function temporalConnectionOptions(config: TemporalConnectionSettings): TemporalConnectionOptions {
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(config.temporalTls && { tls: config.temporalTls }),
    ...(config.TEMPORAL_API_KEY !== undefined && { apiKey: config.TEMPORAL_API_KEY }),
  };
}

/** The connection's variables, for a child process that must reach the same server the same way. */
export function temporalConnectionEnv(config: Pick<AppConfig, 'TEMPORAL_ADDRESS' | TemporalConnectionVariable>): Record<string, string> {
  const env: Record<string, string> = { TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS };
  for (const key of TEMPORAL_CONNECTION_VARIABLES) {
    const value = config[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

const TEMPORAL_CONNECTION_VARIABLES = ['TEMPORAL_TLS', ...TEMPORAL_TLS_SETTINGS] as const;
type TemporalConnectionVariable = (typeof TEMPORAL_CONNECTION_VARIABLES)[number];
