import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { freePort } from '../src/dev-stack/free-port';
import { stopProcess } from '../src/dev-stack/stop-process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ApiKeyStore } from '../core/access/api-key.store';
import { createDataSource } from '../core/database/data-source';
import { migrate } from '../core/database/migrate';
import { asDatabaseUser, LOCAL_RUNTIME_LOGIN } from '../core/database/database-url';
import { PROJECT_ROOT } from '../src/dev-stack/temporal-cli';
import type { BenchTemporalKind } from './bench-options';
import { startBenchTemporal } from './bench-temporal';

export const BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/checkout_saga_bench';

/** What the bench drives and measures; pids of the processes it can see (undefined when attached). */
export interface BenchStack {
  apiUrl: string;
  baselineUrl: string;
  /** The peer: a Temporal-sample-style workflow of the same calls, hosted by the baseline's process. */
  peerUrl: string;
  sandboxUrl: string;
  databaseUrl: string;
  /** The pos key the load generator sends (the bench's own, or API_KEY when attached). */
  apiKey: string;
  /** A finance key of merchant demo: the invariants read GET /v1/audit/verify with it. */
  auditKey: string;
  /** The Temporal frontend the API's workflows run on: the invariants describe each saga there. */
  temporalAddress: string;
  /** Which Temporal ran, for the report (bench-temporal.ts). */
  temporal: string;
  pids: Partial<Record<'api' | 'worker' | 'temporal' | 'sandbox' | 'baseline', number>>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Attach to a running API (`npm start`) instead of starting one; the baseline is still ours. */
  attachUrl?: string;
  sandboxUrl?: string;
  databaseUrl?: string;
  /** The Temporal to start (dev, postgres) or use (external). */
  temporal: BenchTemporalKind;
  /** Temporal dev server persistence: a fresh SQLite file (as `npm start`) or in memory. */
  temporalDb: 'file' | 'memory';
  /** Runs the worker with --cpu-prof, writing its profiles here. */
  workerProfileDir?: string;
  log: (line: string) => void;
}

/**
 * The bench's own stack, on free ports and its own database and task queue, so it never collides with
 * a running `npm start`: Temporal (bench-temporal.ts), migrations, sandbox, worker, API, and the
 * baseline (with the peer's worker). Each process logs to .data/bench-<name>.log.
 */
export async function startBenchStack(options: StackOptions): Promise<BenchStack> {
  const logDir = path.join(PROJECT_ROOT, '.data');
  mkdirSync(logDir, { recursive: true });
  const children: Array<{ name: string; child: ChildProcess }> = [];
  const stop = async () => {
    for (const { child } of children.reverse()) await stopProcess(child, 10_000);
  };
  const startNode = async (name: string, script: string, env: NodeJS.ProcessEnv, ready: string, extraNodeArgs: string[] = []) => {
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the stack's Node processes.
    const nodeArgs = [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...extraNodeArgs];
    const child = spawn(process.execPath, [...nodeArgs, path.join(PROJECT_ROOT, 'dist', script)], {
      cwd: PROJECT_ROOT,
      // APP_ENV=development: the bench runs on the development keys and the sandbox.
      env: { ...process.env, APP_ENV: 'development', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push({ name, child });
    await waitForLine(child, ready, path.join(logDir, `bench-${name}.log`), name);
    return child;
  };

  try {
    const sandboxPort = options.sandboxUrl ? undefined : await freePort();
    const sandboxUrl = options.sandboxUrl ?? `http://127.0.0.1:${sandboxPort}`;
    const vendorEnv = { SANDBOX_PORT: String(new URL(sandboxUrl).port) };
    const pids: BenchStack['pids'] = {};
    if (!options.sandboxUrl) {
      pids.sandbox = (await startNode('sandbox', 'src/sandbox/main.js', vendorEnv, 'vendor sandbox listening')).pid;
    }
    // The baseline's process also hosts the peer's worker, on the Temporal server the saga uses.
    const startBaseline = async (temporalAddress: string) => {
      const port = await freePort();
      const env = { ...vendorEnv, BASELINE_PORT: String(port), TEMPORAL_ADDRESS: temporalAddress, PEER_TASK_QUEUE: 'checkout-peer-bench' };
      pids.baseline = (await startNode('baseline', 'bench/baseline/baseline-server.js', env, 'baseline listening')).pid;
      return { baselineUrl: `http://127.0.0.1:${port}/v1/checkouts`, peerUrl: `http://127.0.0.1:${port}/v1/peer-checkouts` };
    };

    if (options.attachUrl) {
      options.log(`attached to the API at ${options.attachUrl}; its processes are not measured`);
      const apiKey = process.env.API_KEY;
      if (!apiKey) throw new Error('attaching needs API_KEY: a pos key of merchant demo, store S1, with a rate limit above the bench rate (npm run keys -- create --role pos --store S1 --rate-limit 100000)');
      const databaseUrl = options.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/checkout_saga';
      const auditKey = process.env.AUDIT_API_KEY ?? (await createBenchKey(databaseUrl, 'finance'));
      const temporalAddress = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
      const { baselineUrl, peerUrl } = await startBaseline(temporalAddress);
      const temporal = `the attached stack's, at ${temporalAddress} (not measured)`;
      return { apiUrl: new URL('/v1/checkouts', options.attachUrl).toString(), baselineUrl, peerUrl, sandboxUrl, databaseUrl, apiKey, auditKey, temporalAddress, temporal, pids, stop };
    }

    const databaseUrl = options.databaseUrl ?? BENCH_DATABASE_URL;
    const temporal = await startBenchTemporal({ kind: options.temporal, temporalDb: options.temporalDb, databaseUrl, dataDir: logDir, log: options.log });
    if (temporal.process) {
      // Stopped last: the worker and the API stop cleanly while it still answers.
      children.unshift({ name: 'temporal', child: temporal.process });
      pids.temporal = temporal.process.pid;
    }
    const { baselineUrl, peerUrl } = await startBaseline(temporal.address);

    // databaseUrl is the owner's (migrations, bench keys, invariants); the API and worker run as the runtime role.
    await migrate(databaseUrl, { group: 'checkout_saga_runtime', login: LOCAL_RUNTIME_LOGIN, createLogin: true });
    const apiKey = await createBenchKey(databaseUrl);
    const auditKey = await createBenchKey(databaseUrl, 'finance');
    const apiPort = await freePort();
    const env = {
      ...vendorEnv,
      DATABASE_URL: asDatabaseUser(databaseUrl, LOCAL_RUNTIME_LOGIN),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'checkout-saga-bench',
      API_PORT: String(apiPort),
      // No metrics listeners: the defaults (9464, 9465) are npm start's, and a bench run beside it
      // would make one of the two workers fail to start. The bench reads CPU from /proc, not metrics.
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
      // The bench database's seals outside Postgres, apart from npm start's (.data/audit-seals).
      AUDIT_SEAL_DIR: path.join(PROJECT_ROOT, '.data', 'bench-audit-seals'),
    };
    const profileArgs = options.workerProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.workerProfileDir}`] : [];
    pids.worker = (await startNode('worker', 'src/worker.js', env, 'worker polling task queue', profileArgs)).pid;
    pids.api = (await startNode('api', 'src/main.js', env, 'API listening')).pid;
    return { apiUrl: `http://127.0.0.1:${apiPort}/v1/checkouts`, baselineUrl, peerUrl, sandboxUrl, databaseUrl, apiKey, auditKey, temporalAddress: temporal.address, temporal: temporal.description, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitForLine(child: ChildProcess, marker: string, logFile: string, name: string, timeoutMs = 120_000): Promise<void> {
  const log = createWriteStream(logFile);
  child.stderr?.pipe(log);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${timeoutMs} ms (see ${logFile})`)), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (line.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready (see ${logFile})`));
    });
  });
}

/** A pos key for the bench's checkouts (merchant demo, store S1): a rate limit no bench rate reaches; or a finance key for audit verify. */
async function createBenchKey(databaseUrl: string, role: 'pos' | 'finance' = 'pos'): Promise<string> {
  const dataSource = await createDataSource(databaseUrl, 1).initialize();
  try {
    const { key } = await new ApiKeyStore(dataSource).create({ role, merchant: 'demo', store: 'S1', rateLimitPerMinute: 10_000_000, label: 'bench' });
    return key;
  } finally {
    await dataSource.destroy();
  }
}
