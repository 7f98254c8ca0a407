import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AppConfig } from '../../core/config/app-config';
import { temporalConnectionEnv } from '../../core/temporal/temporal-connection';

const ROOT = path.resolve(__dirname, '..', '..');

/** Compiles the project as `npm start` runs it, so tests can start the real worker process. */
export function buildDist(): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed: ${result.stdout}${result.stderr}`);
}

/**
 * `node dist/src/worker.js` with the test stack's configuration; resolves once it polls. Its output
 * goes to `.data/<logName>` for the post-mortem of a failed run.
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
  return child;
}
