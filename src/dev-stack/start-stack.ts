import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { devKeysWhere, ensureDevKeys } from '../../core/access/dev-keys';
import { loadConfig, ownerDatabaseUrl, type AppConfig } from '../../core/config/app-config';
import { migrateFor } from '../../core/database/migrate';
import { ensureAppSchedulesFor, scheduleLine } from '../schedules/app-schedules';
import { ChildProcesses } from './child-processes';
import { assertPortsFree, type PlannedPort } from './ports-in-use';
import { startStackTemporal, temporalPortOf, uiPortOf } from './stack-temporal';
import { PROJECT_ROOT } from './temporal-cli';
import { resolveTemporalMode, type TemporalMode } from './temporal-mode';

/**
 * `npm start` after the build: the whole system on embedded defaults. Temporal (`--temporal=dev`:
 * the dev server, SQLite under .data/; `postgres`: a Postgres-backed multi-shard server; `external`:
 * none started; UI on 8233 with the first two), database and migrations, vendor sandbox, worker
 * and API; URLs printed; everything stopped together on Ctrl-C.
 */
async function main() {
  const config = loadConfig();
  // The processes write JSON logs; the console shows them as LOG_FORMAT says (pretty by default).
  const processes = new ChildProcesses(
    (name, code) => {
      console.error(`${name} exited unexpectedly (code ${code}); stopping everything`);
      void processes.stopAll().then(() => process.exit(1));
    },
    { format: config.LOG_FORMAT, colorize: process.stdout.isTTY === true && !process.env.NO_COLOR },
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    void processes.stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const mode = resolveTemporalMode(process.argv.slice(2), config);
  try {
    await startAll(config, mode, processes);
  } catch (err) {
    // What started before the failure (Temporal, say) must not outlive `npm start`.
    await processes.stopAll();
    throw err;
  }
}

async function startAll(configured: AppConfig, mode: TemporalMode, processes: ChildProcesses): Promise<void> {
  // The UI this start runs decodes payloads through the API with a token only it is given: a new one each start.
  const config = { ...configured, TEMPORAL_UI_CODEC_TOKEN: configured.TEMPORAL_UI_CODEC_TOKEN ?? randomBytes(32).toString('base64url') };
  const dataDir = path.join(PROJECT_ROOT, '.data');
  mkdirSync(dataDir, { recursive: true });
  // Our own processes' ports, before anything starts: a clash is one line naming the port and its
  // setting, not a worker dying with a stack trace after Temporal and the migrations ran.
  await assertPortsFree(ownPorts(config, mode), 'stop what holds it (another npm start, a bench run?) or set the variable named');
  const temporal = await startStackTemporal(mode, config, processes, dataDir);

  console.log(`preparing database ${redactUrl(ownerDatabaseUrl(config))} (owner; the API and worker connect as ${redactUrl(config.DATABASE_URL)})…`);
  const applied = await migrateFor(config);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  for (const outcome of await ensureAppSchedulesFor(config)) console.log(scheduleLine(outcome));
  const devKeys = await ensureDevKeys(config, path.join(dataDir, 'dev-keys.json'));
  for (const line of devKeys) console.log(line);

  const dist = path.join(PROJECT_ROOT, 'dist', 'src');
  if (config.usesSandbox) {
    processes.run('sandbox', process.execPath, [path.join(dist, 'sandbox', 'main.js')], {});
  }
  // The worker writes the seals' copies outside Postgres and the API reads them: one absolute directory for both.
  const sealDir = { AUDIT_SEAL_DIR: path.resolve(PROJECT_ROOT, config.AUDIT_SEAL_DIR) };
  processes.run('worker', process.execPath, [path.join(dist, 'worker.js')], sealDir);
  processes.run('api', process.execPath, [path.join(dist, 'main.js')], { ...sealDir, TEMPORAL_UI_CODEC_TOKEN: config.TEMPORAL_UI_CODEC_TOKEN });

  console.log(`
checkout-saga is starting:
  API              http://localhost:${config.API_PORT}        (OpenAPI: http://localhost:${config.API_PORT}/docs)
  Temporal UI      ${temporal.ui}
  Temporal         ${config.TEMPORAL_ADDRESS}: ${temporal.kind} (namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE})
  Temporal data    ${temporal.data}
  Vendor sandbox   ${config.usesSandbox ? `http://127.0.0.1:${config.SANDBOX_PORT}  (journal: /_sandbox/journal)` : 'off: vendor URLs are configured'}
  Postgres         ${redactUrl(config.DATABASE_URL)}  (runtime role; migrations as ${new URL(ownerDatabaseUrl(config)).username})
  API keys         ${devKeysWhere(config.MERCHANT_ID, path.join(dataDir, 'dev-keys.json'))}
Press Ctrl-C to stop everything.
`);
}

/** The ports `npm start` listens on besides the Postgres-backed server's (that one checks its own). */
function ownPorts(config: AppConfig, mode: TemporalMode): PlannedPort[] {
  return [
    { port: config.API_PORT, what: 'the API, API_PORT' },
    ...(config.usesSandbox ? [{ port: config.SANDBOX_PORT, what: 'the vendor sandbox, SANDBOX_PORT' }] : []),
    ...(config.WORKER_METRICS_PORT > 0 ? [{ port: config.WORKER_METRICS_PORT, what: 'the worker’s metrics, WORKER_METRICS_PORT (0 turns it off)' }] : []),
    ...(config.WORKER_SDK_METRICS_PORT > 0 ? [{ port: config.WORKER_SDK_METRICS_PORT, what: 'the Temporal SDK’s metrics, WORKER_SDK_METRICS_PORT (0 turns it off)' }] : []),
    ...(mode === 'dev'
      ? [
          { port: temporalPortOf(config.TEMPORAL_ADDRESS), what: 'the Temporal dev server, TEMPORAL_ADDRESS' },
          { port: uiPortOf(config.TEMPORAL_UI_ORIGIN), what: 'the Temporal UI, TEMPORAL_UI_ORIGIN' },
        ]
      : []),
  ];
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  // Postgres's own words for a full server, with what to do about it.
  const hint = /too many clients/.test(message) ? ' (Postgres max_connections is reached: stop other stacks or bench runs on it, or raise max_connections)' : '';
  console.error(`npm start failed: ${message}${hint}`);
  process.exit(1);
});
