import { fork } from 'node:child_process';
import path from 'node:path';
import pidusage from 'pidusage';
import { request } from 'undici';
import type { BenchStack } from './bench-stack';
import type { Scenario } from './bench-options';
import { cpuMsPerCheckout, type CpuPerCheckout } from './cpu-per-checkout';
import { readCpuMs } from './cpu-time';
import { checkJournalInvariants, checkSagaInvariants, type InvariantResult } from './invariants';
import { callLatencyStats, latencyStats, type LatencyStats } from './latency-stats';
import type { LoadPlan, LoadResult, LoadSample } from './load/load-plan';
import { ProcessUsageSampler, type ProcessUsage } from './process-usage';
import { completedCheckouts } from './completed-checkouts';
import { benchCheckoutId, checkoutNames } from './reference-checkout';

export type Target = 'saga' | 'baseline' | 'peer';

export interface ScenarioRun {
  vendorLatencyMs: number;
  scenario: Scenario;
  target: Target;
  prefix: string;
  /** Checkouts sent (prefix `warmupPrefix`) before the measured run: in no figure, their invariants not checked. */
  warmup: { count: number; ok: number; prefix: string };
  stats: LatencyStats;
  /** three-call only: p50/p99 of each call and of the whole flow. */
  callStats?: ReturnType<typeof callLatencyStats>;
  /** CPU milliseconds each process used during the measured run (the load generator's from its own count). */
  cpuMs: Record<string, number>;
  /** Divided by the checkouts that ended completed; read at the last answer, or once quiet when some answers were not final. */
  cpuPerCheckout: CpuPerCheckout & { readAt: 'last answer' | 'quiet' };
  usage: Record<string, ProcessUsage>;
  invariants: InvariantResult[];
  /** From the first CPU reading to the last, on the monotonic clock (µs, as process.hrtime and V8's profiles): for --profile-worker. */
  monotonicWindowUs: [number, number];
}

/** The sandbox's vendors answer `latencyMs` later (every vendor route; none when 0). */
export async function setVendorLatency(sandboxUrl: string, latencyMs: number): Promise<void> {
  await request(`${sandboxUrl}/_sandbox/faults`, { method: 'DELETE' }).then((r) => r.body.dump());
  if (latencyMs > 0) await postJson(`${sandboxUrl}/_sandbox/faults`, { path: '/*', kind: 'latency', latencyMs });
}

/** Enough wallet and points for any number of reference checkouts (each spends 5.00 and 100 points). */
export async function seedBalances(sandboxUrl: string): Promise<void> {
  await postJson(`${sandboxUrl}/_sandbox/balances`, {
    crmcom: { code: '22265577', walletCents: 1_000_000_000 },
    capillary: { mobile: '919999999999', points: 1_000_000_000 },
  });
}

/**
 * One scenario against one target: prepare a Coupontools session per checkout, wait for the stack
 * to be quiet, send the warm-up, then run the load generator process while sampling every process's
 * CPU and memory and reading each one's CPU time at the start and the end, then check the invariants.
 */
export async function runScenario(
  stack: BenchStack,
  scenario: Scenario,
  target: Target,
  vendorLatencyMs: number,
  names: { prefix: string; warmupPrefix: string; warmup: number },
): Promise<ScenarioRun> {
  const { prefix, warmupPrefix } = names;
  const count = scenario.mode === 'sequential' ? scenario.count! : Math.ceil(scenario.rate * scenario.seconds);
  await createCouponSessions(stack.sandboxUrl, prefix, count);
  await createCouponSessions(stack.sandboxUrl, warmupPrefix, names.warmup);
  await waitUntilQuiet(stack);
  const common = {
    url: { saga: stack.apiUrl, baseline: stack.baselineUrl, peer: stack.peerUrl }[target],
    flow: scenario.flow ?? 'one-shot',
    requestTimeoutMs: 60_000,
    ...(target === 'saga' && { apiKey: stack.apiKey }),
  } as const;
  const sequential = (n: number) => ({ mode: 'sequential', rate: 0, durationSeconds: 3600, maxRequests: n }) as const;
  const warmed = names.warmup > 0 ? await startLoadGenerator().run({ ...common, ...sequential(names.warmup), prefix: warmupPrefix }) : undefined;

  const plan: LoadPlan = {
    ...common,
    prefix,
    ...(scenario.mode === 'sequential' ? sequential(count) : { mode: 'open', rate: scenario.rate, durationSeconds: scenario.seconds, maxRequests: count }),
  };
  const generator = startLoadGenerator();
  const sampler = new ProcessUsageSampler(() => ({ ...stack.pids, load: generator.pid }));
  const cpuBefore = await readCpuMs(stack.pids);
  const fromUs = monotonicUs();
  sampler.start();
  const result = await generator.run(plan);
  const usage = await sampler.stop();
  const stats = latencyStats(result);
  // Every answer final: read at the last one (what a saga does after its answer is not counted for
  // the last in-flight ones). Otherwise (the saga answered 202 and works on): read once the stack is
  // quiet again and divide by the checkouts that ended completed. Earlier runs' work was drained
  // by waitUntilQuiet before this one.
  const drained = stats.ok < result.sent;
  if (drained) await waitUntilQuiet(stack);
  const cpuAfter = await readCpuMs(stack.pids);
  const toUs = monotonicUs();
  const completed = drained && target === 'saga' ? await completedCheckouts(stack.databaseUrl, result.samples.map((x) => benchCheckoutId(checkoutNames(prefix, x.index).posReference))) : stats.ok;
  const cpuPerCheckout = {
    ...cpuMsPerCheckout({ ...cpuBefore, load: 0 }, { ...cpuAfter, load: result.cpuMs ?? NaN }, completed),
    readAt: drained ? 'quiet' : 'last answer',
  } as const;
  const cpuMs = Object.fromEntries(Object.entries(cpuPerCheckout.perProcess).map(([p, perCheckout]) => [p, perCheckout * completed]));
  const answered = (ok: (s: LoadSample) => boolean) => result.samples.filter(ok).map((s) => checkoutNames(prefix, s.index).posReference);
  const sent = Array.from({ length: result.sent }, (_, i) => checkoutNames(prefix, i).posReference);
  const invariants =
    target === 'saga'
      ? await checkSagaInvariants({
          databaseUrl: stack.databaseUrl,
          sandboxUrl: stack.sandboxUrl,
          apiUrl: stack.apiUrl,
          auditKey: stack.auditKey,
          temporalAddress: stack.temporalAddress,
          posReferences: sent,
          answered: answered((s) => s.status >= 200 && s.status < 300),
        })
      : await checkJournalInvariants({ target, sandboxUrl: stack.sandboxUrl, prefix, answered: answered((s) => s.ok) });
  return {
    vendorLatencyMs,
    scenario,
    target,
    prefix,
    warmup: { count: names.warmup, ok: warmed?.samples.filter((s) => s.ok).length ?? 0, prefix: warmupPrefix },
    stats,
    ...(scenario.flow === 'three-call' && { callStats: callLatencyStats(result.samples) }),
    cpuMs,
    cpuPerCheckout,
    usage,
    invariants,
    monotonicWindowUs: [fromUs, toUs],
  };
}

/** The load generator, a process of its own (bench/load/open-loop-load.ts): its pid, and one plan's run. */
export function startLoadGenerator(): { pid: number | undefined; run(plan: LoadPlan): Promise<LoadResult> } {
  const generator = fork(path.join(__dirname, 'load', 'open-loop-load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    pid: generator.pid,
    run: (plan) =>
      new Promise<LoadResult>((resolve, reject) => {
        generator.once('message', (m) => resolve(m as LoadResult));
        generator.once('exit', (code) => reject(new Error(`load generator exited with code ${code}`)));
        generator.send(plan);
      }),
  };
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * An overloaded scenario leaves sagas running after its answers (and after the invariants stop
 * waiting): they would steal CPU from the next measurement. Waits, up to two minutes, until the
 * worker and Temporal use under 10 % of a core each for three seconds in a row.
 */
export async function waitUntilQuiet(stack: BenchStack, maxMs = 120_000): Promise<void> {
  const pids = [stack.pids.worker, stack.pids.temporal].filter((p): p is number => p !== undefined);
  if (!pids.length) return;
  const deadline = Date.now() + maxMs;
  let quietSeconds = 0;
  await pidusage(pids).catch(() => undefined); // the first sample only sets the baseline
  while (quietSeconds < 3 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const stats = (await pidusage(pids).catch(() => ({}))) as Record<number, { cpu: number } | null>;
    quietSeconds = pids.every((p) => (stats[p]?.cpu ?? 0) < 10) ? quietSeconds + 1 : 0;
  }
}

export async function createCouponSessions(sandboxUrl: string, prefix: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const { coupon } = checkoutNames(prefix, next++);
      await postJson(`${sandboxUrl}/_sandbox/coupontools/sessions`, { code: coupon, value: '5.00' });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await res.body.json().catch(() => null);
  if (res.statusCode >= 300) throw new Error(`POST ${url}: HTTP ${res.statusCode} ${JSON.stringify(answer)}`);
  return answer;
}
