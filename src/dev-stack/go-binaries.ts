import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');

/** A program the dev stack builds from a Go module when this machine does not have it. */
export interface GoBinary {
  /** Its file name in .tools/bin (and on PATH). */
  name: string;
  /** What it is, in progress lines and errors. */
  title: string;
  /** The `go install` target, versioned. */
  module: string;
  /** An environment variable that may name an existing binary instead. */
  pathVariable?: string;
}

/** Temporal's tags that still go-install; the CLI bundles the same server (1.29.1) and UI (2.42.1). */
export const TEMPORAL_CLI: GoBinary = {
  name: 'temporal',
  title: 'Temporal CLI',
  module: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
  pathVariable: 'TEMPORAL_CLI_PATH',
};
export const TEMPORAL_SERVER: GoBinary = { name: 'temporal-server', title: 'Temporal server', module: 'go.temporal.io/server/cmd/server@v1.29.1' };
/** Creates and migrates Temporal's SQL databases; the schemas are embedded in it. */
export const TEMPORAL_SQL_TOOL: GoBinary = { name: 'temporal-sql-tool', title: 'Temporal SQL tool', module: 'go.temporal.io/server/cmd/tools/sql@v1.29.1' };
export const TEMPORAL_UI_SERVER: GoBinary = { name: 'temporal-ui-server', title: 'Temporal UI server', module: 'github.com/temporalio/ui-server/v2/cmd/server@v2.42.1' };

/** The binary named by its environment variable, in .tools/bin or on PATH; undefined when none is. */
export function findGoBinary(binary: GoBinary): string | undefined {
  const candidates = [binary.pathVariable ? process.env[binary.pathVariable] : undefined, path.join(TOOLS_BIN, binary.name)];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', `command -v ${binary.name}`], { encoding: 'utf8', env: process.env });
  // No stdout at all when even sh is not on PATH: then nothing is.
  const onPath = which.stdout?.trim() ?? '';
  return which.status === 0 && onPath ? onPath : undefined;
}

/**
 * Finds the binary, or builds it with `go install` into .tools/bin (minutes, the first time), printing
 * progress. Never downloads a prebuilt binary: the module proxy is the one source this needs.
 */
export async function ensureGoBinary(binary: GoBinary, log: (line: string) => void = console.log): Promise<string> {
  const found = findGoBinary(binary);
  if (found) return found;
  // The same environment the build below gets (explicit, so the check and the build never disagree).
  if (spawnSync('go', ['version'], { env: process.env }).status !== 0) {
    const instead = binary.pathVariable ? `, or set ${binary.pathVariable}` : `, or put one built elsewhere (go install ${binary.module}) in .tools/bin`;
    throw new Error(`No \`${binary.name}\` binary and no Go toolchain to build it: install Go (https://go.dev/dl/)${instead}`);
  }
  mkdirSync(TOOLS_BIN, { recursive: true });
  log(`building the ${binary.title} from source (go install ${binary.module}); the first build takes a few minutes…`);
  const started = Date.now();
  // Every cmd/server is installed as `server`: each is built into its own folder, then renamed.
  const gobin = mkdtempSync(path.join(TOOLS_BIN, `.build-${binary.name}-`));
  try {
    await goInstall(binary, gobin, log);
    const built = path.join(gobin, path.basename(binary.module.split('@')[0]));
    const target = path.join(TOOLS_BIN, binary.name);
    renameSync(built, target);
    log(`${binary.title} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
    return target;
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

function goInstall(binary: GoBinary, gobin: string, log: (line: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // -v prints each package as it compiles: that is the progress a waiting developer sees.
    const go = spawn('go', ['install', '-v', binary.module], {
      env: { ...process.env, GOBIN: gobin },
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
    go.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${binary.module} failed with exit code ${code}`))));
  });
}

/** The folder holding package.json, whether this runs from src/ or from dist/src/. */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
