#!/usr/bin/env node
// `npm run test:chaos -- --profile short|full`: the chaos suite (test/chaos, design.md §8). Builds
// dist/ once (the scenarios run real worker and API processes from it), then runs Jest with
// jest.chaos.config.js in band and repeats each scenario's one-line summary at the end.
// short (default, CI): ~10 s outages, low rates, a 2-minute soak with one worker kill.
// full: 30 s outages, 10 checkouts/s against the slow vendor, a 30-minute soak killing the worker every 5 min.
// --temporal dev|postgres: the Temporal server scenario 1 (temporal-outage) stops and restarts, the dev
// server (default) or temporal-server on Postgres (env CHAOS_TEMPORAL).
// Other arguments go to Jest (npm run test:chaos -- test/chaos/vendor-429).
import { readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies, projectRoot, run } from './lib/bootstrap.mjs';

const args = process.argv.slice(2);
let profile = 'short';
const at = args.indexOf('--profile');
if (at >= 0) {
  profile = args[at + 1];
  args.splice(at, 2);
}
if (profile !== 'short' && profile !== 'full') {
  console.error(`--profile must be short or full, not ${profile}`);
  process.exit(2);
}
let temporal = process.env.CHAOS_TEMPORAL ?? 'dev';
const temporalAt = args.findIndex((a) => a === '--temporal' || a.startsWith('--temporal='));
if (temporalAt >= 0) {
  const inline = args[temporalAt].startsWith('--temporal=');
  temporal = inline ? args[temporalAt].slice('--temporal='.length) : args[temporalAt + 1];
  args.splice(temporalAt, inline ? 1 : 2);
}
if (temporal !== 'dev' && temporal !== 'postgres') {
  console.error(`--temporal must be dev or postgres, not ${temporal}`);
  process.exit(2);
}

const started = Date.now();
ensureDependencies();
run('npx', ['tsc', '-p', 'tsconfig.build.json'], 'building dist/ for the worker and API processes');
const summary = path.join(projectRoot, '.data', 'chaos-summary.txt');
rmSync(summary, { force: true });
console.log(`> chaos suite, ${profile} profile, Temporal ${temporal} in scenario 1: npx jest -c jest.chaos.config.js --runInBand`);
const jest = spawnSync('npx', ['jest', '-c', 'jest.chaos.config.js', '--runInBand', ...args], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: { ...process.env, APP_ENV: 'test', CHAOS_PROFILE: profile, CHAOS_TEMPORAL: temporal, CHAOS_DIST_BUILT: '1' },
});
let lines = '';
try {
  lines = readFileSync(summary, 'utf8');
} catch {
  // no scenario got as far as its summary
}
console.log(`\nchaos suite (${profile}) finished in ${Math.round((Date.now() - started) / 1000)} s`);
process.stdout.write(lines || 'no scenario summaries\n');
process.exit(jest.status ?? 1);
