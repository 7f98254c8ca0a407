import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../core/config/app-config';
import { freePort } from '../src/dev-stack/free-port';
import { ensureTemporalBinary } from '../src/dev-stack/temporal-cli';
import { startDevServer } from '../src/dev-stack/temporal-dev-server';
import { checkExternalTemporal } from '../src/dev-stack/temporal-external';
import { dropDatabases } from '../src/dev-stack/temporal-postgres-databases';
import { startPostgresTemporal } from '../src/dev-stack/temporal-postgres-server';
import { freeTemporalServerPort } from '../src/dev-stack/temporal-server-port';
import type { BenchTemporalKind } from './bench-options';

/** The bench's own Temporal databases, dropped and created again on every run so that runs compare. */
export const BENCH_TEMPORAL_DATABASES = { main: 'temporal_bench', visibility: 'temporal_visibility_bench' };

/** The Temporal a bench run drives, and what its report says about it. */
export interface BenchTemporal {
  address: string;
  /** The server's process when the bench started it (measured as `temporal`); none for external. */
  process?: ChildProcess;
  /** For the report: kind, shards and persistence, e.g. `temporal-server on Postgres (4 history shards, …)`. */
  description: string;
}

export interface BenchTemporalOptions {
  kind: BenchTemporalKind;
  temporalDb: 'file' | 'memory';
  /** The bench's Postgres: the postgres kind keeps its two databases there. */
  databaseUrl: string;
  /** Where the dev server's SQLite file and the Postgres-backed server's config go. */
  dataDir: string;
  log: (line: string) => void;
}

/**
 * dev: a dev server on a free port, on a fresh SQLite file or in memory. postgres: temporal-server on
 * fresh databases of the bench's Postgres, headless, on a free block of ports it accepts. external:
 * nothing started; TEMPORAL_ADDRESS reached once the way the worker will (TLS, API key) before the
 * stack starts, which inherits those settings from this process's environment.
 */
export async function startBenchTemporal(options: BenchTemporalOptions): Promise<BenchTemporal> {
  const config = loadConfig();
  if (options.kind === 'external') {
    const reached = await checkExternalTemporal(config);
    options.log(`using ${reached}; its processes are not measured`);
    return { address: config.TEMPORAL_ADDRESS, description: `external ${reached}, not started by the bench (its CPU is not measured)` };
  }
  if (options.kind === 'postgres') {
    const shards = config.TEMPORAL_HISTORY_SHARDS;
    const databases = BENCH_TEMPORAL_DATABASES;
    await dropDatabases(options.databaseUrl, [databases.main, databases.visibility]);
    const port = await freeTemporalServerPort();
    options.log(`starting temporal-server on Postgres (${shards} history shards, databases ${databases.main} and ${databases.visibility}) on 127.0.0.1:${port}…`);
    const server = await startPostgresTemporal({
      databaseUrl: options.databaseUrl,
      databases,
      port,
      historyShards: shards,
      namespace: config.TEMPORAL_NAMESPACE,
      dataDir: path.join(options.dataDir, 'bench-temporal-postgres'),
      log: options.log,
    });
    const where = new URL(options.databaseUrl);
    return {
      address: server.address,
      process: server.server,
      description: `own temporal-server on Postgres (${shards} history shards, databases ${databases.main} and ${databases.visibility} on ${where.hostname}:${where.port || 5432}, recreated for this run; no UI)`,
    };
  }
  const binary = await ensureTemporalBinary(options.log);
  const dbFile = path.join(options.dataDir, 'bench-temporal.sqlite');
  rmSync(dbFile, { force: true });
  const server = await startDevServer({ binary, port: await freePort(), ...(options.temporalDb === 'file' && { dbFile }) });
  return {
    address: server.address,
    process: server.process,
    description: `own Temporal dev server (${options.temporalDb === 'file' ? 'SQLite file, as npm start' : 'SQLite in memory'}, 1 history shard)`,
  };
}
