import { freePort } from '../../src/dev-stack/free-port';
import { Client } from 'pg';
import { migrate } from '../../core/database/migrate';
import { ensureTemporalBinary } from '../../src/dev-stack/temporal-cli';
import { startDevServer, type DevServer } from '../../src/dev-stack/temporal-dev-server';
import { TEST_DATABASE_URL } from './test-env';

declare global {
   
  var __checkoutSagaDevServer: DevServer | undefined;
}

/**
 * Once per run: a real Temporal dev server (built from source if missing) on a free port, and a
 * fresh test database built by the migrations, so every run proves the migrations from scratch.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__checkoutSagaDevServer) return;
  const binary = await ensureTemporalBinary((line) => process.stdout.write(`${line}\n`));
  // With the Web UI on a free port: the ops browser test opens it.
  const uiPort = await freePort();
  const [server] = await Promise.all([
    startDevServer({ binary, port: await freePort(), uiPort }),
    recreateDatabase(TEST_DATABASE_URL),
  ]);
  globalThis.__checkoutSagaDevServer = server;
  process.env.CHECKOUT_SAGA_TEST_TEMPORAL = server.address;
  process.env.CHECKOUT_SAGA_TEST_TEMPORAL_UI = `http://127.0.0.1:${uiPort}`;
  process.env.TEST_DATABASE_URL = TEST_DATABASE_URL;
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await migrate(databaseUrl);
}
