import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/dev-stack/free-port';
import { freeTemporalServerPort } from '../../src/dev-stack/temporal-server-port';
import type { TemporalDatabaseNames } from '../../src/dev-stack/temporal-postgres-databases';
import { startPostgresTemporal, type PostgresTemporal, type PostgresTemporalOptions } from '../../src/dev-stack/temporal-postgres-server';

// Shared with the bench: the tests import them from here as before.
export { dropDatabases } from '../../src/dev-stack/temporal-postgres-databases';
export { freeTemporalServerPort } from '../../src/dev-stack/temporal-server-port';

/**
 * The Temporal databases of a test run on TEST_DATABASE_URL's Postgres, named after its database so
 * that runs with their own test database keep their own Temporal too: `checkout_saga_test` gives
 * `temporal_test` and `temporal_visibility_test`, `checkout_saga_test_pgt` `temporal_test_pgt`… (`purpose`
 * names other users: the chaos suite's own server has `temporal_chaos…`).
 */
export function testTemporalDatabases(testDatabaseUrl: string, purpose = 'test'): TemporalDatabaseNames {
  const suffix = new URL(testDatabaseUrl).pathname.slice(1).replace(/^checkout_saga_test/, '').replace(/[^a-z0-9_]/g, '_');
  return { main: `temporal_${purpose}${suffix}`, visibility: `temporal_visibility_${purpose}${suffix}` };
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
