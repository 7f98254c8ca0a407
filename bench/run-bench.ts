import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/dev-stack/temporal-cli';
import { compare, machineInfo, markdown, p99PassesOneSecond, type BenchReport } from './bench-report';
import { parseBenchOptions, type BenchOptions } from './bench-options';
import { startBenchStack, type BenchStack } from './bench-stack';
import { summarizeWorkerProfile } from './profile/worker-profile';
import { runScenario, seedBalances, setVendorLatency, type ScenarioRun } from './run-scenario';

const log = (line: string) => console.log(`[bench] ${line}`);

/**
 * `npm run bench`: the design's reference checkout (one-shot, every vendor) through the saga and
 * through the direct-call baseline, at fixed arrival rates, with the sandbox's vendors answering in
 * 0 ms and in 50 ms; latency, throughput, CPU and memory per process, and the invariants after each
 * run. Results: bench/results/<timestamp>.json and .md. Exit 1 when an invariant breaks.
 */
async function main() {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)} (npm run bench -- --help)`);
    process.exit(2);
  }
  const started: { stack?: BenchStack } = {};
  let stopping = false;
  const stop = async (code: number, afterStop?: () => void) => {
    if (stopping) return;
    stopping = true;
    if (started.stack) {
      if (options.attachUrl) await setVendorLatency(started.stack.sandboxUrl, 0).catch(() => undefined);
      await started.stack.stop();
    }
    afterStop?.();
    process.exit(code);
  };
  // Whatever happens, the processes this bench started must not outlive it.
  const crash = (err: unknown) => {
    // Before the stack is up it is the setup that failed (Temporal unreachable, a port, Postgres): its
    // message says what to do; after, the stack trace is for whoever debugs the bench.
    const detail = err instanceof Error ? (started.stack ? (err.stack ?? err.message) : err.message) : err;
    console.error('bench failed:', detail);
    void stop(1);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    const { report, stamp } = await runBench(options, started);
    // The worker writes its profile when it exits: summarise after the stack has stopped.
    await stop(report.invariantsPass ? 0 : 1, options.profileWorker ? () => writeWorkerProfile(report, stamp) : undefined);
  } catch (err) {
    crash(err);
  }
}

const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');
const WORKER_PROFILE_DIR = path.join(PROJECT_ROOT, '.data', 'bench-worker-profile');

async function runBench(options: BenchOptions, started: { stack?: BenchStack }): Promise<{ report: BenchReport; stamp: string }> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  log(`profile ${options.profile}; ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' / ')}`);
  log(options.attachUrl ? `attaching to ${options.attachUrl}` : `starting the bench stack (Temporal ${options.temporal}, own ports, database checkout_saga_bench, task queue checkout-saga-bench)…`);
  if (options.profileWorker) rmSync(WORKER_PROFILE_DIR, { recursive: true, force: true });
  const stack = await startBenchStack({ ...options, log, ...(options.profileWorker && { workerProfileDir: WORKER_PROFILE_DIR }) });
  started.stack = stack;
  await seedBalances(stack.sandboxUrl);

  const runId = Date.now().toString(36);
  const runs: ScenarioRun[] = [];
  for (const latency of options.vendorLatenciesMs) {
    await setVendorLatency(stack.sandboxUrl, latency);
    for (const [si, scenario] of options.scenarios.entries()) {
      for (const target of scenario.baseline ? (['saga', 'peer', 'baseline'] as const) : (['saga'] as const)) {
        const names = `${runId}L${latency}S${si}${{ saga: 'T', baseline: 'D', peer: 'P' }[target]}`;
        log(`vendors ${latency} ms, ${scenario.name}, ${target}…`);
        const run = await runScenario(stack, scenario, target, latency, { prefix: `B${names}`, warmupPrefix: `W${names}`, warmup: options.warmup });
        const s = run.stats;
        log(
          `  ${s.ok}/${s.sent} ok, ${s.errors} errors; p50 ${s.p50.toFixed(0)} p90 ${s.p90.toFixed(0)} p99 ${s.p99.toFixed(0)} max ${s.max.toFixed(0)} ms; ${s.throughput.toFixed(1)}/s; max send lag ${s.maxSendLagMs.toFixed(0)} ms`,
        );
        log(`  CPU ms per checkout: ${Object.entries(run.cpuPerCheckout.perProcess).map(([p, ms]) => `${p} ${ms.toFixed(1)}`).join(', ')}; total ${run.cpuPerCheckout.total.toFixed(1)}`);
        for (const i of run.invariants) log(`  ${i.pass ? 'PASS' : 'FAIL'} ${i.name}: ${i.detail}`);
        runs.push(run);
      }
    }
  }
  await setVendorLatency(stack.sandboxUrl, 0);

  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    profile: options.profile,
    temporal: stack.temporal,
    machine,
    notes: [
      'Open model: each request is due at start + i/rate and timed from that due time, whether or not earlier ones answered (bench/load/open-loop-load.ts says why not autocannon -R).',
      "Unloaded: sequential checkouts, one at a time. Baseline: the same vendor adapters and calls, in the saga's order and parallelism, without Temporal, audit or NestJS (bench/baseline/).",
      "Peer: the same calls as a Temporal-sample-style workflow, each a regular activity, a list of undo activities, no audit, no effect intents, no projection, no payload codec (bench/peer/); its worker runs in the baseline's process, on the same Temporal server as the saga.",
      'Three-call: the till\'s POST reserve, commit and complete through the API, sequential, as many as unloaded.',
      `Warm-up: ${options.warmup} sequential checkouts (prefix W…) before each target's measured run, counted in no figure; their invariants are not checked.`,
      'CPU ms per checkout: utime+stime (+ reaped children) from /proc/<pid>/stat at the start and at the last answer of the measured run (10 ms ticks), over its successful checkouts; when some answers were not final (the saga answered 202 and worked on), read once the worker and Temporal are quiet again and divided by the checkouts that ended completed. The load generator counts its own (process.cpuUsage). Each run starts once the worker and Temporal are quiet.',
      `Stack: ${options.attachUrl ? `attached to ${options.attachUrl}` : 'own API, worker and sandbox with LOG_LEVEL=warn'}; Temporal: ${stack.temporal}; Postgres CPU is every postgres process on the machine${options.temporal === 'postgres' ? " (Temporal's persistence included)" : ''}.`,
    ],
    runs,
    comparisons: compare(runs),
    p99PassesOneSecondAt: p99PassesOneSecond(runs),
    invariantsPass: runs.every((r) => r.invariants.every((i) => i.pass)),
  };
  const md = markdown(report);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(RESULTS_DIR, `${stamp}.md`), md);
  console.log(`\n${md}`);
  log(`results: bench/results/${stamp}.md and .json`);
  return { report, stamp };
}

function writeWorkerProfile(report: BenchReport, stamp: string): void {
  const md = `# Worker CPU profile, benchmark ${report.startedAt}\n\n${summarizeWorkerProfile(WORKER_PROFILE_DIR, report.runs, PROJECT_ROOT)}`;
  writeFileSync(path.join(RESULTS_DIR, `${stamp}-worker-profile.md`), md);
  console.log(`\n${md}`);
  log(`worker profile: bench/results/${stamp}-worker-profile.md (raw profiles in .data/bench-worker-profile/)`);
}

void main();
