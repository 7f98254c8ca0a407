import { tmpdir } from 'node:os';
import path from 'node:path';
import { asDatabaseUser, LOCAL_RUNTIME_LOGIN } from '../../core/database/database-url';

export { asDatabaseUser };
/** Where the suite's shared services are; global-setup fills these in before any test file runs. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/checkout_saga_test';

/**
 * The runtime login the API and workers of the tests connect as (a member of the runtime group role,
 * created by global-setup's migrate); TEST_DATABASE_URL stays the owner (superuser), for the tests'
 * own seeding, assertions and deliberate tampering.
 */
export const TEST_RUNTIME_LOGIN = LOCAL_RUNTIME_LOGIN;
export const TEST_RUNTIME_DATABASE_URL = asDatabaseUser(TEST_DATABASE_URL, TEST_RUNTIME_LOGIN);

export function testTemporalAddress(): string {
  const address = process.env.CHECKOUT_SAGA_TEST_TEMPORAL;
  if (!address) throw new Error('the Temporal dev server was not started: run the tests with `npm test`');
  return address;
}

/** The dev server's Web UI (global-setup starts it on a free port). */
export function testTemporalUiUrl(): string {
  const url = process.env.CHECKOUT_SAGA_TEST_TEMPORAL_UI;
  if (!url) throw new Error('the Temporal dev server was not started: run the tests with `npm test`');
  return url;
}

/**
 * The run's AUDIT_SEAL_DIR (the daily seals written outside Postgres): a fresh directory per run,
 * made by global-setup like the fresh test database, so no line outlives the seals it copies.
 */
export function testAuditSealDir(): string {
  return process.env.CHECKOUT_SAGA_TEST_AUDIT_SEAL_DIR ?? path.join(tmpdir(), `checkout-saga-audit-seals-${process.pid}`);
}
