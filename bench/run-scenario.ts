import { fork } from 'node:child_process';
import path from 'node:path';
import pidusage from 'pidusage';
import { request } from 'undici';
import type { BenchStack } from './bench-stack';
import type { Scenario } from './bench-options';
import { checkBaselineInvariants, checkSagaInvariants, type InvariantResult } from './invariants';
import { latencyStats, type LatencyStats } from './latency-stats';
import type { LoadPlan, LoadResult } from './load/load-plan';
import { ProcessUsageSampler, type ProcessUsage } from './process-usage';
import { checkoutNames } from './reference-checkout';

export type Target = 'saga' | 'baseline';

export interface ScenarioRun {
  vendorLatencyMs: number;
  scenario: Scenario;
  target: Target;
  prefix: string;
  stats: LatencyStats;
  usage: Record<string, ProcessUsage>;
  invariants: InvariantResult[];
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
 * One scenario against one target: prepare a Coupontools session per checkout, run the load
 * generator process while sampling every process's CPU and memory, then check the invariants.
 */
export async function runScenario(stack: BenchStack, scenario: Scenario, target: Target, vendorLatencyMs: number, prefix: string): Promise<ScenarioRun> {
  const count = scenario.mode === 'sequential' ? scenario.count! : Math.ceil(scenario.rate * scenario.seconds);
  await createCouponSessions(stack.sandboxUrl, prefix, count);
  await waitUntilQuiet(stack);
  const plan: LoadPlan = {
    url: target === 'saga' ? stack.apiUrl : stack.baselineUrl,
    prefix,
    mode: scenario.mode,
    rate: scenario.rate,
    durationSeconds: scenario.mode === 'sequential' ? 3600 : scenario.seconds,
    maxRequests: count,
    requestTimeoutMs: 60_000,
    ...(target === 'saga' && { apiKey: stack.apiKey }),
  };
  const generator = fork(path.join(__dirname, 'load', 'open-loop-load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const sampler = new ProcessUsageSampler(() => ({ ...stack.pids, load: generator.pid }));
  sampler.start();
  const result = await new Promise<LoadResult>((resolve, reject) => {
    generator.once('message', (m) => resolve(m as LoadResult));
    generator.once('exit', (code) => reject(new Error(`load generator exited with code ${code}`)));
    generator.send(plan);
  });
  const usage = await sampler.stop();
  const stats = latencyStats(result);
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
          answered: result.samples.filter((s) => s.status >= 200 && s.status < 300).map((s) => checkoutNames(prefix, s.index).posReference),
        })
      : await checkBaselineInvariants({
          sandboxUrl: stack.sandboxUrl,
          prefix,
          answered: result.samples.filter((s) => s.ok).map((s) => checkoutNames(prefix, s.index).posReference),
        });
  return { vendorLatencyMs, scenario, target, prefix, stats, usage, invariants };
}

/**
 * An overloaded scenario leaves sagas running after its answers (and after the invariants stop
 * waiting): they would steal CPU from the next measurement. Waits, up to two minutes, until the
 * worker and Temporal use under 10 % of a core each for three seconds in a row.
 */
async function waitUntilQuiet(stack: BenchStack, maxMs = 120_000): Promise<void> {
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

async function createCouponSessions(sandboxUrl: string, prefix: string, count: number): Promise<void> {
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
