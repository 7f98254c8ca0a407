#!/usr/bin/env node
// `npm run bench -- [options]`: install dependencies if missing, build, then run the benchmark
// (dist/bench/run-bench.js), which starts its own stack, drives it, prints and writes the results.
import { run, ensureDependencies, projectRoot } from './lib/bootstrap.mjs';

ensureDependencies();
run('npx', ['tsc', '-p', 'tsconfig.build.json'], 'building');
const { spawn } = await import('node:child_process');
// The bench runs on the development keys and the sandbox (a process without APP_ENV runs as production).
const env = { ...process.env, APP_ENV: process.env.APP_ENV ?? 'development' };
// `--overload`: the load shedding proof (bench/overload/run-overload.ts) instead of the latency bench.
const args = process.argv.slice(2);
const entry = args.includes('--overload') ? 'dist/bench/overload/run-overload.js' : 'dist/bench/run-bench.js';
const child = spawn(process.execPath, [entry, ...args], { cwd: projectRoot, stdio: 'inherit', env });
// Ctrl-C reaches the bench through the terminal's process group; it stops what it started itself.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
