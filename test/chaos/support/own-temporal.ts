import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTemporalBinary } from '../../../src/dev-stack/temporal-cli';
import { startDevServer } from '../../../src/dev-stack/temporal-dev-server';
import { freePort } from '../../../src/dev-stack/free-port';
import { startPostgresTemporal, type PostgresTemporalOptions } from '../../../src/dev-stack/temporal-postgres-server';
import { dropDatabases, freeTemporalServerPort, testTemporalDatabases } from '../../support/postgres-temporal';
import { TEST_DATABASE_URL } from '../../support/test-env';

/**
 * A Temporal server of the chaos suite's own, so scenario 1 can stop it and start it again on the
 * same data and port without touching anyone else's server. CHAOS_TEMPORAL says which: `dev` (the
 * default) a dev server on a SQLite file, `postgres` temporal-server on databases of its own.
 */
export interface OwnTemporal {
  address: string;
  /** For the scenario's summary line: `dev` or `postgres-4-shards`. */
  kind: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/** The Postgres-backed server's shard count here: npm start's default, so more than one shard is exercised. */
const POSTGRES_HISTORY_SHARDS = 4;

export async function startOwnTemporal(): Promise<OwnTemporal> {
  const kind = process.env.CHAOS_TEMPORAL ?? 'dev';
  if (kind === 'postgres') return startOwnPostgresTemporal();
  if (kind !== 'dev') throw new Error(`CHAOS_TEMPORAL=${kind}: use dev (the default) or postgres`);
  return startOwnDevServer();
}

async function startOwnDevServer(): Promise<OwnTemporal> {
  const binary = await ensureTemporalBinary(() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'chaos-temporal-'));
  const options = { binary, port: await freePort(), dbFile: path.join(dir, 'temporal.sqlite') };
  return restartable('dev', dir, () => startDevServer(options));
}

/**
 * temporal-server on its own databases (temporal_chaos…, after the test database's suffix), dropped
 * at the start so each run begins empty. stop() SIGTERMs the server (no UI runs); restart() starts it
 * on the same databases and ports, as a node that comes back keeps its place in the membership table.
 */
async function startOwnPostgresTemporal(): Promise<OwnTemporal> {
  const databases = testTemporalDatabases(TEST_DATABASE_URL, 'chaos');
  await dropDatabases(TEST_DATABASE_URL, [databases.main, databases.visibility]);
  const dir = mkdtempSync(path.join(tmpdir(), 'chaos-temporal-postgres-'));
  const options: PostgresTemporalOptions = {
    databaseUrl: TEST_DATABASE_URL,
    databases,
    port: await freeTemporalServerPort(),
    historyShards: POSTGRES_HISTORY_SHARDS,
    namespace: 'default',
    dataDir: dir,
  };
  return restartable(`postgres-${POSTGRES_HISTORY_SHARDS}-shards`, dir, () => startPostgresTemporal(options));
}

/** A server that `start` brings up on the same data and port each time; destroy() also removes its folder. */
async function restartable(kind: string, dir: string, start: () => Promise<{ address: string; stop(): Promise<void> }>): Promise<OwnTemporal> {
  const first = await start();
  let server: { stop(): Promise<void> } | undefined = first;
  return {
    address: first.address,
    kind,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async restart() {
      server = await start();
    },
    async destroy() {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
