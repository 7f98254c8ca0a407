#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine. Installs dependencies if missing, type-checks,
// lints, then runs Jest; Jest's global setup builds or finds Temporal, starts a dev server and
// recreates the test database. Then, when Jest passed, the chaos suite's short profile
// (scripts/test-chaos.mjs). Extra arguments go to Jest and skip the chaos suite (npm test -- test/unit).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies, projectRoot, run } from './lib/bootstrap.mjs';

const started = Date.now();
ensureDependencies();
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], 'type-checking');
run('npx', ['eslint', '--max-warnings=0', '.'], 'linting');

const report = path.join(projectRoot, '.data', 'jest-report.json');
mkdirSync(path.dirname(report), { recursive: true });
rmSync(report, { force: true });
console.log('> testing: npx jest --runInBand');
const jest = spawnSync('npx', ['jest', '--runInBand', '--json', `--outputFile=${report}`, ...process.argv.slice(2)], {
  cwd: projectRoot,
  stdio: 'inherit',
});
let summary = 'jest: no report';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`;
} catch {
  // Jest died before writing its report; its exit code below says so.
}
let status = jest.status ?? 1;
let chaos = 'chaos: not run (Jest failed, or a subset was asked for)';
if (status === 0 && process.argv.length === 2) {
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'test-chaos.mjs'), '--profile', 'short'], { cwd: projectRoot, stdio: 'inherit' });
  status = run.status ?? 1;
  chaos = `chaos (short profile): ${status === 0 ? 'passed' : 'failed'}`;
}
console.log(`npm test finished in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(chaos);
// The plain closing line CI reads.
console.log(summary);
process.exit(status);
