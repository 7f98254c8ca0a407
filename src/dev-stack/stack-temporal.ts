import path from 'node:path';
import { ownerDatabaseUrl, type AppConfig } from '../../core/config/app-config';
import type { ChildProcesses } from './child-processes';
import { ensureTemporalBinary } from './temporal-cli';
import { startDevServer } from './temporal-dev-server';
import type { TemporalMode } from './temporal-mode';
import { checkExternalTemporal, securityOf } from './temporal-external';
import { startPostgresTemporal } from './temporal-postgres-server';

/** What `npm start`'s banner says about the Temporal it uses. */
export interface StackTemporal {
  /** The server, e.g. `Temporal dev server (SQLite, 1 history shard)`. */
  kind: string;
  /** Where its data is. */
  data: string;
  /** The Web UI, or why there is none. */
  ui: string;
}

/**
 * Starts the Temporal `mode` asks for under `processes` (so Ctrl-C stops it with the rest), on
 * TEMPORAL_ADDRESS's port, the UI on TEMPORAL_UI_ORIGIN's port pointed at the API's codec endpoint;
 * `external` starts nothing and connects to TEMPORAL_ADDRESS.
 */
export async function startStackTemporal(mode: TemporalMode, config: AppConfig, processes: ChildProcesses, dataDir: string): Promise<StackTemporal> {
  const port = temporalPortOf(config.TEMPORAL_ADDRESS);
  const uiPort = uiPortOf(config.TEMPORAL_UI_ORIGIN);
  // Payloads are encrypted: the UI decodes them through the API's codec endpoint, its own (decode
  // only, this start's token in the path: src/temporal/codec-access.ts).
  const uiCodecEndpoint = `http://localhost:${config.API_PORT}/v1/codec${config.TEMPORAL_UI_CODEC_TOKEN ? `/ui/${config.TEMPORAL_UI_CODEC_TOKEN}` : ''}`;
  const uiUrl = `http://localhost:${uiPort}`;
  if (mode === 'external') {
    // One call the way the worker and the API will connect: a wrong address, CA, certificate, key or
    // namespace stops here with what to check, instead of a worker retrying forever.
    const reached = await checkExternalTemporal(config);
    console.log(`using ${reached}`);
    return { kind: `external server, not started here (${securityOf(config)})`, data: 'kept by that server', ui: 'that server’s own' };
  }
  if (mode === 'postgres') {
    const databases = { main: config.TEMPORAL_POSTGRES_DATABASE, visibility: config.TEMPORAL_POSTGRES_VISIBILITY_DATABASE };
    console.log(`starting Temporal server on Postgres (${config.TEMPORAL_HISTORY_SHARDS} history shards) on ${config.TEMPORAL_ADDRESS}…`);
    const temporal = await startPostgresTemporal({
      databaseUrl: ownerDatabaseUrl(config),
      databases,
      port,
      historyShards: config.TEMPORAL_HISTORY_SHARDS,
      namespace: config.TEMPORAL_NAMESPACE,
      dataDir: path.join(dataDir, 'temporal-postgres'),
      ui: { port: uiPort, codecEndpoint: uiCodecEndpoint },
      stdio: 'pipe',
      log: console.log,
      onSpawned: (stop) => processes.onStop(stop),
    });
    // Its services log errors about each other while they stop in turn: noise after Ctrl-C.
    processes.adopt('temporal', temporal.server, { quietWhileStopping: 'all' });
    if (temporal.ui) processes.adopt('ui', temporal.ui, { quietWhileStopping: 'all' });
    const where = new URL(ownerDatabaseUrl(config));
    return {
      kind: `Temporal server on Postgres (${config.TEMPORAL_HISTORY_SHARDS} history shards)`,
      data: `databases ${databases.main} and ${databases.visibility} on ${where.hostname}:${where.port || 5432}`,
      ui: uiUrl,
    };
  }
  const binary = await ensureTemporalBinary();
  console.log(`starting Temporal dev server (${binary}) on ${config.TEMPORAL_ADDRESS}…`);
  const dbFile = path.join(dataDir, 'temporal.sqlite');
  const server = await startDevServer({
    binary,
    port,
    uiPort,
    uiCodecEndpoint,
    dbFile,
    namespace: config.TEMPORAL_NAMESPACE,
    // Warnings and errors only, as JSON, through the same console formatter as our processes.
    stdio: 'pipe',
    logFormat: 'json',
  });
  processes.adopt('temporal', server.process, { quietWhileStopping: 'warnings' });
  return { kind: 'Temporal dev server (SQLite, 1 history shard)', data: dbFile, ui: uiUrl };
}

/** TEMPORAL_ADDRESS's port (the config checks it is host:port): where a server npm start runs listens. */
export function temporalPortOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** The UI listens where the API's CORS expects it: TEMPORAL_UI_ORIGIN's port (8233 by default). */
export function uiPortOf(origin: string): number {
  const url = new URL(origin);
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}
