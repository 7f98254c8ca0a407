import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/dev-stack/free-port';
import { migrate, runtimeRolesOf } from '../../core/database/migrate';
import { loadConfig } from '../../core/config/app-config';
import { ensureTemporalBinary } from '../../src/dev-stack/temporal-cli';
import { startDevServer } from '../../src/dev-stack/temporal-dev-server';
import { dropDatabases, startTestPostgresTemporal, testTemporalDatabases } from './postgres-temporal';
import { TEST_DATABASE_URL, TEST_RUNTIME_DATABASE_URL } from './test-env';

/** The Temporal server of a test run, whichever kind. */
interface TestTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

declare global {
   
  var __checkoutSagaDevServer: TestTemporal | undefined;
}

/**
 * Once per run: a real Temporal server on a free port (built from source if missing) and a fresh
 * test database built by the migrations, so every run proves the migrations from scratch. The
 * server is the dev server, or with CHECKOUT_SAGA_TEST_TEMPORAL_MODE=postgres the Postgres-backed
 * multi-shard server `npm start -- --temporal=postgres` runs, on databases recreated each run.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__checkoutSagaDevServer) return;
  const [started, database] = await Promise.allSettled([startTestTemporal(), recreateDatabase(TEST_DATABASE_URL)]);
  if (started.status === 'rejected' || database.status === 'rejected') {
    // No teardown runs after a failed setup: stop the server here, or it outlives the run.
    if (started.status === 'fulfilled') await started.value.stop();
    throw started.status === 'rejected' ? started.reason : (database as PromiseRejectedResult).reason;
  }
  const server = started.value;
  globalThis.__checkoutSagaDevServer = server;
  process.env.CHECKOUT_SAGA_TEST_TEMPORAL = server.address;
  process.env.CHECKOUT_SAGA_TEST_TEMPORAL_UI = server.uiUrl;
  process.env.TEST_DATABASE_URL = TEST_DATABASE_URL;
  // The seals' copies outside Postgres: as fresh as the database (testAuditSealDir).
  process.env.CHECKOUT_SAGA_TEST_AUDIT_SEAL_DIR = mkdtempSync(path.join(tmpdir(), 'checkout-saga-audit-seals-'));
  // What the test files spawn (CLIs, workers) runs as test, not as production, unless a test says otherwise.
  process.env.APP_ENV ??= 'test';
}

async function startTestTemporal(): Promise<TestTemporal> {
  const mode = process.env.CHECKOUT_SAGA_TEST_TEMPORAL_MODE ?? 'dev';
  if (mode === 'postgres') {
    const databases = testTemporalDatabases(TEST_DATABASE_URL);
    await dropDatabases(TEST_DATABASE_URL, [databases.main, databases.visibility]);
    const server = await startTestPostgresTemporal({ databaseUrl: TEST_DATABASE_URL, databases, historyShards: 4, withUi: true });
    return { address: server.address, uiUrl: server.uiUrl ?? '', stop: () => server.stop() };
  }
  if (mode !== 'dev') throw new Error(`CHECKOUT_SAGA_TEST_TEMPORAL_MODE=${mode}: use dev (the default) or postgres`);
  const binary = await ensureTemporalBinary((line) => process.stdout.write(`${line}\n`));
  // With the Web UI on a free port: the ops browser test opens it.
  const uiPort = await freePort();
  const server = await startDevServer({ binary, port: await freePort(), uiPort });
  return { address: server.address, uiUrl: `http://127.0.0.1:${uiPort}`, stop: () => server.stop() };
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  await dropDatabases(databaseUrl, [new URL(databaseUrl).pathname.slice(1)]);
  // As the owner (the superuser here), granting the runtime role the API and workers of the tests use.
  await migrate(databaseUrl, runtimeRolesOf(loadConfig({ APP_ENV: 'test', DATABASE_URL: TEST_RUNTIME_DATABASE_URL })));
}
