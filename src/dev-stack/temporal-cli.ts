import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The CLI tag that still go-installs; it bundles Temporal server 1.29.1 and UI 2.42.1. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const PROJECT_ROOT = findProjectRoot(__dirname);
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');

/**
 * Finds the `temporal` binary: $TEMPORAL_CLI_PATH, then the project's .tools/bin, then PATH.
 * The SDK's own download cannot work here, so this never downloads a prebuilt server.
 */
export function findTemporalBinary(): string | undefined {
  const candidates = [process.env.TEMPORAL_CLI_PATH, path.join(TOOLS_BIN, 'temporal')];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  return which.status === 0 && onPath ? onPath : undefined;
}

/** Finds the binary, or builds it from Go modules into .tools/bin (minutes, the first time). */
export async function ensureTemporalBinary(log: (line: string) => void = console.log): Promise<string> {
  const found = findTemporalBinary();
  if (found) return found;
  if (spawnSync('go', ['version']).status !== 0) {
    throw new Error('No `temporal` binary and no Go toolchain to build one: install Go, or set TEMPORAL_CLI_PATH');
  }
  mkdirSync(TOOLS_BIN, { recursive: true });
  log(`building the Temporal CLI from source (go install ${TEMPORAL_CLI_MODULE}); the first build takes a few minutes…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    // -v prints each package as it compiles: that is the progress a waiting developer sees.
    const go = spawn('go', ['install', '-v', TEMPORAL_CLI_MODULE], {
      env: { ...process.env, GOBIN: TOOLS_BIN },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let count = 0;
    go.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        count += 1;
        if (line.startsWith('go: downloading') || count % 100 === 0 || !line.includes('/')) log(`  [go ${count}] ${line}`);
      }
    });
    go.on('error', reject);
    go.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install failed with exit code ${code}`))));
  });
  const built = path.join(TOOLS_BIN, 'temporal');
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
}

/** The folder holding package.json, whether this runs from src/ or from dist/src/. */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
