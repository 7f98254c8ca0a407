#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine. Installs dependencies if missing, type-checks,
// lints, then runs Jest; Jest's global setup builds or finds Temporal, starts a dev server and
// recreates the test database. Then, when Jest passed, the chaos suite's short profile
// (scripts/test-chaos.mjs), then the Postgres leg (a smoke set and the Temporal-outage scenario on
// the Postgres-backed Temporal server), and when those passed too, the Node 24 leg: the unit project and an
// integration smoke set again on Node 24 LTS (scripts/lib/node24.mjs installs it the first time), the runtime
// engines declare, while this machine runs Node 20. Extra arguments go to Jest and skip the chaos
// suite and the Node 24 leg (npm test -- test/unit).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies, projectRoot, run } from './lib/bootstrap.mjs';
import { ensureNode24 } from './lib/node24.mjs';

const started = Date.now();
ensureDependencies();
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], 'type-checking');
run('npx', ['eslint', '--max-warnings=0', '.'], 'linting');

/** A Jest worker holding more heap than this after a file is replaced by a fresh one. */
const WORKER_MEMORY_LIMIT = '1200MB';

/** Runs Jest's CLI on `node` and returns its exit status and its report's counts. */
function jest(node, args, reportName, env = {}) {
  const report = path.join(projectRoot, '.data', reportName);
  mkdirSync(path.dirname(report), { recursive: true });
  rmSync(report, { force: true });
  // One file at a time (each file's API, worker and bundle in it; two cores), in one worker process that
  // Jest replaces once a file leaves it holding more than WORKER_MEMORY_LIMIT: what a finished file leaves
  // behind (the SDK's native runtime, metrics' GC observers, Jest's module registries) piles up, and in one
  // process for the whole run (--runInBand) the heap reached 4.5 GB and the last files ran 3-5 times slower
  // than alone (checkout-phases 56 s against 18 s); CI's main run had doubled to 1,650 s.
  const run = spawnSync(node, [path.join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--maxWorkers=1', `--workerIdleMemoryLimit=${WORKER_MEMORY_LIMIT}`, '--json', `--outputFile=${report}`, ...args], {
    cwd: projectRoot,
    stdio: 'inherit',
    // APP_ENV=test for jest and what it spawns (a process without APP_ENV runs as production).
    env: { ...process.env, APP_ENV: 'test', ...env },
  });
  let counts = 'no report';
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    counts = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`;
  } catch {
    // Jest died before writing its report; its exit code says so.
  }
  return { status: run.status ?? 1, counts };
}

console.log(`> testing: jest --maxWorkers=1 --workerIdleMemoryLimit=${WORKER_MEMORY_LIMIT}`);
const main = jest(process.execPath, process.argv.slice(2), 'jest-report.json');
let status = main.status;
const subset = process.argv.length > 2;
let chaos = 'chaos: not run (Jest failed, or a subset was asked for)';
if (status === 0 && !subset) {
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'test-chaos.mjs'), '--profile', 'short'], { cwd: projectRoot, stdio: 'inherit' });
  status = run.status ?? 1;
  chaos = `chaos (short profile): ${status === 0 ? 'passed' : 'failed'}`;
}
// The Postgres leg: Temporal as production runs it (`--temporal=postgres`: temporal-server on Postgres,
// 4 history shards, built from Go modules) under a smoke set of the integration files, one per kind of
// saga and the ops paths (the Web UI test included), then the chaos suite's Temporal-outage scenario
// stopping and restarting that server under load.
const POSTGRES_SMOKE = ['checkout-one-shot', 'checkout-phases', 'checkout-void', 'checkout-returns', 'checkout-batch', 'ops-sagas', 'worker-crash', 'product-sync']
  .map((name) => `test/integration/${name}.test.ts`);
let postgresLeg = 'postgres leg: not run (an earlier step failed, or a subset was asked for)';
if (status === 0 && !subset) {
  const legStarted = Date.now();
  console.log('> testing on the Postgres-backed Temporal server: integration smoke, then chaos scenario 1');
  const smoke = jest(process.execPath, ['--selectProjects', 'integration', '--', ...POSTGRES_SMOKE], 'jest-report-postgres.json', { CHECKOUT_SAGA_TEST_TEMPORAL_MODE: 'postgres' });
  status = smoke.status;
  let outage = 'not run';
  if (status === 0) {
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'test-chaos.mjs'), '--profile', 'short', '--temporal', 'postgres', 'test/chaos/temporal-outage'], { cwd: projectRoot, stdio: 'inherit' });
    status = run.status ?? 1;
    outage = status === 0 ? 'passed' : 'failed';
  }
  postgresLeg = `postgres leg: integration smoke ${smoke.counts}; chaos temporal-outage ${outage}; ${Math.round((Date.now() - legStarted) / 1000)} s`;
}
// The Node 24 leg: every unit test, and the Postgres leg's smoke set with the till-facing paths of issue 22
// (the whole integration project a second time would take CI past 45 minutes: on 2026-12-06 a fresh clone's CI took
// 33 minutes with the main run at 16 and this leg at 4).
const NODE24_SMOKE = [...POSTGRES_SMOKE, ...['till-budget', 'vendor-circuits', 'checkout-callbacks', 'load-shedding', 'personal-data', 'access-matrix'].map((name) => `test/integration/${name}.test.ts`)];
const onNode24 = process.versions.node.split('.')[0] === '24';
let node24 = onNode24 ? 'node 24 leg: not needed (this run was on Node 24)' : 'node 24 leg: not run (an earlier step failed, or a subset was asked for)';
if (status === 0 && !subset && !onNode24) {
  const legStarted = Date.now();
  try {
    const node = ensureNode24();
    console.log(`> testing on Node 24: ${path.relative(projectRoot, node)} jest --selectProjects unit integration (unit tests, integration smoke)`);
    // Node 24 first on PATH too, so what the tests spawn by name (npx tsc) runs on it as well.
    const leg = jest(node, ['--selectProjects', 'unit', 'integration', '--', 'test/unit/', ...NODE24_SMOKE], 'jest-report-node24.json', { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` });
    status = leg.status;
    node24 = `node 24 leg (unit + integration smoke): ${leg.counts} in ${Math.round((Date.now() - legStarted) / 1000)} s`;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    status = 1;
    node24 = 'node 24 leg: Node 24 could not be installed';
  }
}
console.log(`npm test finished in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(chaos);
console.log(postgresLeg);
console.log(node24);
// The plain closing lines CI reads: the main Jest run's counts, then the verdict of every step.
console.log(`jest: ${main.counts}`);
console.log(status === 0 ? 'npm test: passed' : 'npm test: FAILED (the step lines above say where)');
process.exit(status);
