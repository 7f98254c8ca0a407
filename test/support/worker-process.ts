import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AppConfig } from '../../core/config/app-config';
import { Connection } from '@temporalio/client';
import { temporalConnectionEnv, temporalConnectionOptions } from '../../core/temporal/temporal-connection';
import { describeWorkflowTaskQueue } from '../../core/temporal/workflow-task-queue';

const ROOT = path.resolve(__dirname, '..', '..');

/** Compiles the project as `npm start` runs it, so tests can start the real worker process. */
export function buildDist(): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed: ${result.stdout}${result.stderr}`);
}

/**
 * `node dist/src/worker.js` with the test stack's configuration; resolves once Temporal has seen it poll
 * (the API's load shedding refuses a checkout while no worker polls the queue). Its output goes to
 * `.data/<logName>` for the post-mortem of a failed run.
 */
export async function startWorkerProcess(config: AppConfig, logName: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'worker.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      APP_ENV: 'test',
      DATABASE_URL: config.DATABASE_URL,
      ...temporalConnectionEnv(config),
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      AUDIT_SEAL_DIR: config.AUDIT_SEAL_DIR,
      SANDBOX_PORT: String(config.SANDBOX_PORT),
      VENDOR_TIMEOUT_MS: String(config.VENDOR_TIMEOUT_MS),
      CHECKOUT_ANSWER_TIMEOUT_MS: String(config.CHECKOUT_ANSWER_TIMEOUT_MS),
      // Off unless a test asks: parallel test files must not fight over the default ports.
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A fresh checkout has no .data yet, and the worker may start before anything else made it.
  mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  const log = createWriteStream(path.join(ROOT, '.data', logName));
  child.stderr?.pipe(log);
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (line.includes('worker polling task queue')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before polling; see .data/${logName}`)));
  });
  await pollerSeen(config);
  return child;
}

/**
 * Waits until DescribeTaskQueue lists a poller of the workflow task queue. The worker logs that it polls
 * just before Worker.run(), so its first poll reaches the server a moment later (through a TLS front,
 * longer): a checkout sent in between met "no worker" (503) in temporal-external-tls.test.ts.
 */
async function pollerSeen(config: AppConfig, timeoutMs = 20_000): Promise<void> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { pollers } = await describeWorkflowTaskQueue(connection.workflowService, { namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE });
      if (pollers > 0) return;
      if (Date.now() > until) throw new Error(`no poller of ${config.TEMPORAL_TASK_QUEUE} seen by Temporal within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await connection.close();
  }
}
