import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/dev-stack/free-port';
import { assertPortsFree } from '../../src/dev-stack/ports-in-use';
import { plannedServerPorts } from '../../src/dev-stack/temporal-postgres-config';
import type { TemporalDatabaseNames } from '../../src/dev-stack/temporal-postgres-databases';
import { startPostgresTemporal, type PostgresTemporal, type PostgresTemporalOptions } from '../../src/dev-stack/temporal-postgres-server';

/**
 * The Temporal databases of a test run on TEST_DATABASE_URL's Postgres, named after its database so
 * that runs with their own test database keep their own Temporal too: `checkout_saga_test` gives
 * `temporal_test` and `temporal_visibility_test`, `checkout_saga_test_pgt` `temporal_test_pgt`…
 */
export function testTemporalDatabases(testDatabaseUrl: string): TemporalDatabaseNames {
  const suffix = new URL(testDatabaseUrl).pathname.slice(1).replace(/^checkout_saga_test/, '').replace(/[^a-z0-9_]/g, '_');
  return { main: `temporal_test${suffix}`, visibility: `temporal_visibility_test${suffix}` };
}

/**
 * A frontend port whose whole block (the other services at +1, +2, +6, +10 and 300 below) is free,
 * under 33061 (the membership ports must fit a smallint), so not from the ephemeral range
 * freePort() draws from: random, and checked.
 */
export async function freeTemporalServerPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 13_000);
    try {
      await assertPortsFree(plannedServerPorts(port), 'try another');
      return port;
    } catch {
      // One of the block is taken: try another.
    }
  }
  throw new Error('no free block of ports for a Temporal server');
}

export async function dropDatabases(databaseUrl: string, names: string[]): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The Postgres-backed server on free ports with its config in a temporary folder; the UI when asked. */
export async function startTestPostgresTemporal(
  options: Pick<PostgresTemporalOptions, 'databaseUrl' | 'databases' | 'historyShards'> & Partial<PostgresTemporalOptions> & { withUi?: boolean },
): Promise<PostgresTemporal> {
  return startPostgresTemporal({
    namespace: 'default',
    port: await freeTemporalServerPort(),
    dataDir: mkdtempSync(path.join(tmpdir(), 'temporal-postgres-')),
    ui: options.withUi ? { port: await freePort() } : undefined,
    log: (line) => process.stdout.write(`${line}\n`),
    ...options,
  });
}
