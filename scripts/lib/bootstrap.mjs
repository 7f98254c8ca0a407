// Plain Node with no dependencies: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Installs when node_modules is missing or older than the lockfile. A node_modules that is a link
 * (a git worktree sharing another checkout's) is never reinstalled from here: npm ci would empty the
 * tree it points to under every checkout that shares it, and a fresh worktree's lockfile is always
 * newer than the shared marker.
 */
export function ensureDependencies() {
  const modules = path.join(projectRoot, 'node_modules');
  const marker = path.join(modules, '.package-lock.json');
  const lock = path.join(projectRoot, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  if (existsSync(modules) && lstatSync(modules).isSymbolicLink()) {
    console.log('> node_modules is a link to a shared tree: not reinstalling it (run npm ci where it lives if it is out of date)');
    return;
  }
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
