#!/usr/bin/env node
// `npm start`: install dependencies if missing, build, then hand over to the stack launcher
// (dist/src/dev-stack/start-stack.js) with this script's arguments (`npm start -- --temporal=postgres`),
// which builds or finds Temporal and starts everything.
import { run, ensureDependencies, projectRoot } from './lib/bootstrap.mjs';

ensureDependencies();
run('npx', ['tsc', '-p', 'tsconfig.build.json'], 'building');
const { spawn } = await import('node:child_process');
// APP_ENV=development unless set: the development keys and the sandbox (a process without APP_ENV runs as production).
const env = { ...process.env, APP_ENV: process.env.APP_ENV ?? 'development' };
const child = spawn(process.execPath, ['dist/src/dev-stack/start-stack.js', ...process.argv.slice(2)], { cwd: projectRoot, stdio: 'inherit', env });
// Ctrl-C reaches the launcher through the terminal's process group; it stops its children itself.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
