// Plain Node with no dependencies: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function run(command, args, what, env = {}) {
  if (what) console.log(`> ${what}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`${what ?? command} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** Installs when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = path.join(projectRoot, 'node_modules', '.package-lock.json');
  const lock = path.join(projectRoot, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  installDependencies();
}

/**
 * The locked dependency tree. `npm ci` first; where the registry mirror does not serve other
 * platforms' optional binaries (@swc/core-darwin-*, pulled in by @temporalio/worker), npm ci refuses
 * the lockfile as out of sync (npm/cli#9846), so we fall back to `npm install` from the same lockfile
 * and fail if that would change it: the installed versions are still exactly the locked ones.
 */
export function installDependencies() {
  console.log('> installing dependencies: npm ci');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: projectRoot, encoding: 'utf8' });
  if (ci.status === 0) return;
  const out = `${ci.stdout}${ci.stderr}`;
  if (!/EUSAGE/.test(out) || !/Missing: .* from lock file/.test(out)) {
    process.stderr.write(out);
    console.error('npm ci failed');
    process.exit(ci.status ?? 1);
  }
  console.log('npm ci refused the lockfile over optional binaries this registry does not serve (npm/cli#9846);');
  const lock = path.join(projectRoot, 'package-lock.json');
  const before = readFileSync(lock, 'utf8');
  run('npm', ['install', '--no-audit', '--no-fund'], 'installing from the lockfile instead');
  if (readFileSync(lock, 'utf8') !== before) {
    writeFileSync(lock, before);
    console.error('package-lock.json is out of date with package.json: run `npm install` and commit the lockfile');
    process.exit(1);
  }
}
