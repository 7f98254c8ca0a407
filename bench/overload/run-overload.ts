import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadConfig } from '../../core/config/app-config';
import { temporalClientOn } from '../../core/temporal/temporal-client';
import { temporalConnectionOptions } from '../../core/temporal/temporal-connection';
import { PROJECT_ROOT } from '../../src/dev-stack/temporal-cli';
import { isFinalState, type CheckoutState } from '../../workflows/checkout.contract';
import { machineInfo } from '../bench-report';
import { startBenchStack, type BenchStack } from '../bench-stack';
import { checkSagaInvariants } from '../invariants';
import type { LoadPlan, LoadResult, LoadSample } from '../load/load-plan';
import { benchCheckoutId, checkoutNames } from '../reference-checkout';
import { createCouponSessions, seedBalances, setVendorLatency, startLoadGenerator, waitUntilQuiet } from '../run-scenario';
import { mapLimit } from '../saga-invariants';
import { parseOverloadOptions, type OverloadOptions } from './overload-options';
import { isAccepted, isRefused, overloadMarkdown, overloadVerdict, summarizeAnswers, type OverloadReport } from './overload-summary';

const log = (line: string) => console.log(`[overload] ${line}`);
const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');

/**
 * `npm run bench -- --overload`: issue 22's proof of load shedding. Measures the stack's capacity
 * (what it completes of an offered rate well above it), then offers `factor` x capacity in an open model for
 * `duration` seconds, each request with its till budget and a client timeout of budget + margin;
 * then checks that no request hung, every one was answered within its budget, no saga exists for a
 * refused one, and every accepted saga ended. Exit 1 when any of that fails.
 */
async function main(): Promise<void> {
  const options = parseOverloadOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const m = machineInfo();
  log(`${m.cores} cores, Node ${m.node}, load average ${m.loadAverageAtStart.join(' / ')}; starting the bench stack…`);
  let stack: BenchStack | undefined;
  const stop = async (code: number) => {
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  try {
    stack = await startBenchStack({ temporal: 'dev', temporalDb: options.temporalDb, log });
    const report = await runOverload(stack, options, startedAt, `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}`);
    const md = overloadMarkdown(report);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = `${startedAt.replace(/[:.]/g, '-')}-overload`;
    writeFileSync(path.join(RESULTS_DIR, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, `${stamp}.md`), md);
    console.log(`\n${md}`);
    log(`results: bench/results/${stamp}.md and .json`);
    const pass = overloadVerdict(report).every((v) => v.pass) && report.invariants.every((i) => i.pass);
    await stop(pass ? 0 : 1);
  } catch (err) {
    console.error('overload bench failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    await stop(1);
  }
}

async function runOverload(stack: BenchStack, options: OverloadOptions, startedAt: string, machine: string): Promise<OverloadReport> {
  await seedBalances(stack.sandboxUrl);
  await setVendorLatency(stack.sandboxUrl, options.vendorLatencyMs);
  const runId = Date.now().toString(36);
  const common = { url: stack.apiUrl, apiKey: stack.apiKey, flow: 'one-shot', headers: { 'till-budget-ms': String(options.budgetMs) } } as const;
  const run = async (plan: Omit<LoadPlan, keyof typeof common>): Promise<LoadResult> => {
    await createCouponSessions(stack.sandboxUrl, plan.prefix, plan.maxRequests);
    await waitUntilQuiet(stack);
    return startLoadGenerator().run({ ...common, ...plan });
  };

  log('warm-up: 5 sequential checkouts');
  await run({ prefix: `OW${runId}`, mode: 'sequential', rate: 0, durationSeconds: 600, maxRequests: 5, requestTimeoutMs: 60_000 });

  let capacity: OverloadReport['capacity'];
  if (options.capacity !== undefined) {
    capacity = { perSecond: options.capacity, how: '--capacity' };
  } else {
    // Offered well above what the stack completes, with load shedding on: what it completes is its capacity
    // (a closed loop of a few clients measures its own think time instead, and finds less).
    const probeRate = options.probeRate;
    log(`capacity probe: ${probeRate}/s offered for ${options.capacitySeconds} s`);
    const probe = await run({
      prefix: `OC${runId}`,
      mode: 'open',
      rate: probeRate,
      durationSeconds: options.capacitySeconds,
      maxRequests: Math.ceil(options.capacitySeconds * probeRate),
      requestTimeoutMs: 60_000,
    });
    // Its second half only: in the first, the admission's throughput window was still filling (the floor
    // of in-flight checkouts held), so the whole probe would find less than the stack completes.
    const half = options.capacitySeconds / 2;
    const completed = probe.samples.filter((s) => s.ok && s.index >= probeRate * half).length;
    const seconds = probe.elapsedSeconds - half;
    capacity = {
      perSecond: completed / seconds,
      how: `${probeRate}/s offered for ${options.capacitySeconds} s: ${completed} completed in its last ${seconds.toFixed(1)} s`,
    };
    // Completing nearly all it was offered, the stack may do more: the figure is a floor then.
    if (completed / seconds >= 0.9 * probeRate) log(`the probe's ${probeRate}/s was hardly above capacity: raise --probe-rate for a true figure`);
  }
  const rate = capacity.perSecond * options.factor;
  const count = Math.ceil(rate * options.durationSeconds);
  log(`capacity ${capacity.perSecond.toFixed(1)}/s; offering ${rate.toFixed(1)}/s (${options.factor}x) for ${options.durationSeconds} s: ${count} checkouts`);
  const prefix = `OL${runId}`;
  const result = await run({ prefix, mode: 'open', rate, durationSeconds: options.durationSeconds, maxRequests: count, requestTimeoutMs: options.budgetMs + options.marginMs });
  const answers = summarizeAnswers(result.samples, options.budgetMs);
  log(`sent ${answers.sent}: accepted ${answers.accepted}, refused ${answers.refused}, hanging ${answers.hanging}, within budget ${answers.withinBudget}`);

  const refOf = (s: LoadSample) => checkoutNames(prefix, s.index).posReference;
  const refused = result.samples.filter(isRefused).map(refOf);
  log(`looking for sagas of the ${refused.length} refused requests…`);
  const refusedSagas = await sagasOf(stack, refused);
  // Accepted and hanging ones: their sagas must end (a hanging one may or may not have started).
  const toSettle = result.samples.filter((s) => !isRefused(s)).map(refOf);
  log(`waiting for the ${toSettle.length} accepted (or unanswered) sagas to end, then checking their invariants…`);
  const invariants = await checkSagaInvariants({
    databaseUrl: stack.databaseUrl,
    sandboxUrl: stack.sandboxUrl,
    apiUrl: stack.apiUrl,
    auditKey: stack.auditKey,
    temporalAddress: stack.temporalAddress,
    posReferences: toSettle,
    answered: result.samples.filter((s) => s.status >= 200 && s.status < 300).map(refOf),
  });
  const acceptedEnded = await endedStates(stack.databaseUrl, result.samples.filter(isAccepted).map((s) => benchCheckoutId(refOf(s))));
  const lag = Math.max(0, ...result.samples.map((s) => s.sendLagMs));
  return {
    startedAt,
    machine,
    vendorLatencyMs: options.vendorLatencyMs,
    budgetMs: options.budgetMs,
    marginMs: options.marginMs,
    capacity,
    offeredPerSecond: rate,
    durationSeconds: options.durationSeconds,
    sentPerSecond: result.sent / result.scheduledSeconds,
    maxSendLagMs: lag,
    answers,
    refusedSagas,
    acceptedEnded,
    invariants,
  };
}

/** Of these POS references, how many have a workflow in Temporal and how many a checkouts row. */
async function sagasOf(stack: BenchStack, posReferences: string[]): Promise<OverloadReport['refusedSagas']> {
  const ids = posReferences.map((p) => benchCheckoutId(p));
  const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress });
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const db = new PgClient({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const temporal = temporalClientOn(connection, config);
    const found = await mapLimit(ids, 16, async (id) => {
      try {
        await temporal.workflow.getHandle(id).describe();
        return 1;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 0;
        throw err;
      }
    });
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM checkouts WHERE id = ANY($1)', [ids]);
    return { workflows: found.reduce<number>((a, b) => a + b, 0), rows: Number(rows[0].n) };
  } finally {
    await db.end();
    await connection.close();
  }
}

async function endedStates(databaseUrl: string, ids: string[]): Promise<OverloadReport['acceptedEnded']> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; state: CheckoutState }>('SELECT id, state FROM checkouts WHERE id = ANY($1)', [ids]);
    const byState: Record<string, number> = {};
    for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
    return { byState, notFinal: ids.length - rows.filter((r) => isFinalState(r.state)).length };
  } finally {
    await db.end();
  }
}

void main();
