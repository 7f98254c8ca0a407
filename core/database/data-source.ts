import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ConfigError, type AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { runtimeRoleProblem } from './runtime-privileges';

/** Session limits of a connection: statement_timeout and idle_in_transaction_session_timeout, in ms. */
export interface SessionLimits {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export function dataSourceOptions(databaseUrl: string, poolSize = 10, limits?: SessionLimits): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: poolSize,
      application_name: 'checkout-saga',
      // node-postgres sends these as the session's settings on connect.
      ...(limits && { statement_timeout: limits.statementTimeoutMs, idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs }),
    },
  };
}

export function createDataSource(databaseUrl: string, poolSize?: number, limits?: SessionLimits): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, poolSize, limits));
}

/** The runtime role's connection (DATABASE_URL) with the configured statement and idle-in-transaction timeouts. */
export function createRuntimeDataSource(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'>,
  poolSize?: number,
): DataSource {
  return createDataSource(config.DATABASE_URL, poolSize, {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
}

/**
 * The API's and the worker's check at start: DATABASE_URL must not be a superuser or the tables'
 * owner (who could disable the audit tables' append-only triggers). Production refuses to start;
 * development and tests are warned.
 */
export async function checkRuntimeRole(dataSource: DataSource, config: Pick<AppConfig, 'appEnv'>, warn: (line: string) => void): Promise<void> {
  const found = await runtimeRoleProblem(dataSource);
  if (!found) return;
  const message = `DATABASE_URL connects as ${found.role}, which ${found.problem}: the API and the worker must connect as the runtime role (README, Access)`;
  if (config.appEnv === 'production') throw new ConfigError(message);
  warn(`warning: ${message}`);
}
