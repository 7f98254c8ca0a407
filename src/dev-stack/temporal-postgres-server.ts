import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { ensureGoBinary, TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER } from './go-binaries';
import { assertPortsFree, type PlannedPort } from './ports-in-use';
import { outputTail } from './output-tail';
import { stopProcess } from './stop-process';
import { waitForFrontend } from './temporal-dev-server';
import { ensureNamespaceAndSearchAttributes, historyShardCount } from './temporal-namespace-setup';
import { plannedServerPorts, writeServerConfig } from './temporal-postgres-config';
import { postgresEndpoint, prepareTemporalDatabases, type TemporalDatabaseNames } from './temporal-postgres-databases';
import { startUiServer } from './temporal-ui-server';

/** The largest port the cluster_membership table's rpc_port (smallint) holds. */
const MAX_MEMBERSHIP_PORT = 32767;

export const DEFAULT_TEMPORAL_DATABASES: TemporalDatabaseNames = { main: 'temporal', visibility: 'temporal_visibility' };

export interface PostgresTemporalOptions {
  /** The Postgres to keep Temporal's databases on (host, port, user and password are taken from it). */
  databaseUrl: string;
  databases?: TemporalDatabaseNames;
  /** The frontend's port on 127.0.0.1; the other services' ports follow it (serverPorts). */
  port: number;
  historyShards: number;
  namespace: string;
  /** Where the generated config files go (.data/temporal-postgres for `npm start`). */
  dataDir: string;
  /** The Web UI, or none (headless). */
  ui?: { port: number; codecEndpoint?: string };
  /** Where the server's and the UI's own output goes; the default keeps it out of the way. */
  stdio?: 'inherit' | 'ignore' | 'pipe';
  log?: (line: string) => void;
  /** Called as soon as the server is spawned with what stops it (and the UI): `npm start` runs it on Ctrl-C mid-start. */
  onSpawned?: (stop: () => Promise<void>) => void;
}

export interface PostgresTemporal {
  address: string;
  uiUrl?: string;
  server: ChildProcess;
  ui?: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A Temporal server as production runs one, on one machine: `temporal-server` (all four services
 * in one process) on Postgres with `historyShards` shards, its schema migrated on every start, our
 * dynamic config, namespace and search attributes, and the Web UI server. The binaries are found
 * or built from Go modules. Temporal's data stays in the two databases across restarts.
 */
export async function startPostgresTemporal(options: PostgresTemporalOptions, readyTimeoutMs = 120_000): Promise<PostgresTemporal> {
  const log = options.log ?? (() => undefined);
  const serverBinary = await ensureGoBinary(TEMPORAL_SERVER, log);
  const sqlTool = await ensureGoBinary(TEMPORAL_SQL_TOOL, log);
  const uiBinary = options.ui ? await ensureGoBinary(TEMPORAL_UI_SERVER, log) : undefined;

  const ports: PlannedPort[] = [...plannedServerPorts(options.port)];
  const highest = Math.max(...ports.filter((p) => p.what.endsWith('membership')).map((p) => p.port));
  if (highest > MAX_MEMBERSHIP_PORT || options.port < 301) {
    // The cluster_membership table keeps rpc_port as a smallint: a higher port fails the start.
    throw new Error(`TEMPORAL_ADDRESS port ${options.port} cannot serve a Postgres-backed server: use a port from 301 to ${MAX_MEMBERSHIP_PORT + 300 - 6} (its membership ports, 300 below, must fit Temporal's smallint column)`);
  }
  if (options.ui) ports.push({ port: options.ui.port, what: 'Temporal UI' });
  await assertPortsFree(
    ports,
    'stop what listens there, or move the server with TEMPORAL_ADDRESS (the server also uses the frontend port +1, +2, +6 and +10, and 300 below the frontend port and each of the first three)',
  );

  const endpoint = postgresEndpoint(options.databaseUrl);
  const databases = options.databases ?? DEFAULT_TEMPORAL_DATABASES;
  await prepareTemporalDatabases(sqlTool, endpoint, databases, log);
  writeServerConfig(options.dataDir, { endpoint, databases, frontendPort: options.port, historyShards: options.historyShards });

  const stdio = options.stdio ?? 'ignore';
  // Piped whatever `stdio` says, so that a start that fails can say why (outputTail).
  const server = spawn(serverBinary, ['--root', options.dataDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (stdio === 'inherit') {
    server.stdout.pipe(process.stdout);
    server.stderr.pipe(process.stderr);
  }
  const serverOutput = outputTail([server.stdout, server.stderr]);
  const address = `127.0.0.1:${options.port}`;
  const children: ChildProcess[] = [server];
  const stop = async () => {
    for (const child of [...children].reverse()) await stopProcess(child);
  };
  // A signal while the server is still starting (a minute and more) must stop it too.
  options.onSpawned?.(stop);
  try {
    const exited = new Promise<never>((_, reject) => {
      server.once('exit', (code) => reject(new Error(`temporal-server exited early with code ${code}: ${serverOutput()}`)));
      // A binary that exists but cannot run (not executable, another architecture).
      server.once('error', (err) => reject(new Error(`temporal-server (${serverBinary}) could not start: ${err.message}`)));
    });
    exited.catch(() => undefined);
    await Promise.race([waitForFrontend(address, 'temporal-system', readyTimeoutMs, exited), exited]);
    const connection = await Connection.connect({ address });
    try {
      await assertShardCount(connection, options.historyShards, databases);
      await ensureNamespaceAndSearchAttributes(connection, options.namespace);
    } finally {
      await connection.close();
    }
    if (!options.ui || !uiBinary) return { address, server, stop };
    const ui = await startUiServer({
      binary: uiBinary,
      dir: options.dataDir,
      port: options.ui.port,
      temporalAddress: address,
      namespace: options.namespace,
      codecEndpoint: options.ui.codecEndpoint,
      stdio,
    });
    children.push(ui);
    return { address, uiUrl: `http://127.0.0.1:${options.ui.port}`, server, ui, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function assertShardCount(connection: Connection, requested: number, databases: TemporalDatabaseNames): Promise<void> {
  const persisted = await historyShardCount(connection);
  if (persisted === requested) return;
  throw new Error(
    `TEMPORAL_HISTORY_SHARDS is ${requested}, but the Temporal databases ${databases.main} and ${databases.visibility} were created with ` +
      `${persisted} history shards, and the count is fixed at the first start: set TEMPORAL_HISTORY_SHARDS=${persisted}, or start over ` +
      `by dropping both databases (dropdb ${databases.main}; dropdb ${databases.visibility}), which deletes every workflow in them`,
  );
}
