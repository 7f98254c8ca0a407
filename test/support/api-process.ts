import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AppConfig } from '../../core/config/app-config';
import { temporalConnectionEnv } from '../../core/temporal/temporal-connection';
import { freePort } from '../../src/dev-stack/free-port';

const ROOT = path.resolve(__dirname, '..', '..');

/** `node dist/src/main.js` with the test stack's configuration, so the soak can watch its memory on its own. */
export async function startApiProcess(config: AppConfig, logName: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      APP_ENV: 'test',
      LOG_LEVEL: 'warn',
      API_PORT: String(port),
      DATABASE_URL: config.DATABASE_URL,
      ...temporalConnectionEnv(config),
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      AUDIT_SEAL_DIR: config.AUDIT_SEAL_DIR,
      SANDBOX_PORT: String(config.SANDBOX_PORT),
      CHECKOUT_ANSWER_TIMEOUT_MS: String(config.CHECKOUT_ANSWER_TIMEOUT_MS),
      TILL_BUDGET_RESERVE_MS: String(config.TILL_BUDGET_RESERVE_MS),
      TILL_BUDGET_COMMIT_MS: String(config.TILL_BUDGET_COMMIT_MS),
      TILL_BUDGET_COMPLETE_MS: String(config.TILL_BUDGET_COMPLETE_MS),
      TILL_BUDGET_ONE_SHOT_MS: String(config.TILL_BUDGET_ONE_SHOT_MS),
      // The test stack's load-shedding floor (test-stack.ts says why): the soak kills its worker on
      // purpose and asserts every checkout is taken; shedding has its own test (load-shedding.test.ts).
      LOAD_SHEDDING_MIN_IN_FLIGHT: String(config.LOAD_SHEDDING_MIN_IN_FLIGHT),
      LOAD_SHEDDING_MAX_IN_FLIGHT: String(config.LOAD_SHEDDING_MAX_IN_FLIGHT),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  const log = createWriteStream(path.join(ROOT, '.data', logName));
  child.stderr?.pipe(log);
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (line.includes('API listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`API exited with ${code} before listening; see .data/${logName}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}
