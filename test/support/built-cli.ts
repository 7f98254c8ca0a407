import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_RUNTIME_DATABASE_URL } from './test-env';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An `npm run <script>` CLI as `npm run build` leaves it (dist), against the migrated test database:
 * `build()` checks package.json runs exactly that file and compiles dist; `run(...args)` answers its
 * exit code and output, a failure included (`runWith(env, ...args)` with variables of its own).
 */
export function builtCli(script: string, distFile: string) {
  /** The program with these environment variables on top of the test defaults. */
  const runWith = async (env: Record<string, string>, ...args: string[]): Promise<CliOutcome> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, distFile), ...args], {
        cwd: ROOT,
        env: { ...process.env, APP_ENV: 'test', DATABASE_URL: TEST_RUNTIME_DATABASE_URL, LOG_LEVEL: 'silent', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as CliOutcome;
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  return {
    async build(): Promise<void> {
      expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts[script]).toBe(`node ${distFile}`);
      await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
    },
    // Plain functions, not methods: callers keep `cli.run` on its own (no `this`).
    run: (...args: string[]): Promise<CliOutcome> => runWith({}, ...args),
    runWith,
  };
}
