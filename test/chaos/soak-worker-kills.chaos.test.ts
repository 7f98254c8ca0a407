import type { ChildProcess } from 'node:child_process';
import pidusage from 'pidusage';
import request from 'supertest';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault } from '../support/journal';
import { useApiKey } from './support/chaos-http';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';
import { checkInvariants } from './invariants';
import { startApiProcess } from '../support/api-process';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { driveAtRate, latencyStats } from './support/load-driver';
import { runPosCheckout, sleep, type PosCheckout } from './support/pos-client';

/** Checkouts that start this soon after a kill count as "during recovery". */
const RECOVERY_WINDOW_MS = 30_000;

/**
 * Scenario 7: one-shot checkouts at a steady rate for the soak's length, the worker process
 * SIGKILLed and replaced every few minutes. The invariants hold for every checkout; the p99 of
 * checkouts started during a recovery is reported; the API process's memory does not grow.
 */
describe('chaos 7: a soak with the worker killed periodically', () => {
  const profile = chaosProfile();
  let stack: TestStack;
  let api: { child: ChildProcess; url: string };
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    if (process.env.CHAOS_DIST_BUILT !== '1') buildDist();
    stack = await startTestStack({ CHECKOUT_ANSWER_TIMEOUT_MS: '60000' }, { worker: false });
    useApiKey(stack.keys.admin);
    api = await startApiProcess(stack.config, 'chaos-soak-api.log');
    workers.push(await startWorkerProcess(stack.config, 'chaos-soak-worker-1.log'));
  }, 180_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    if (api?.child.exitCode === null) api.child.kill('SIGTERM');
    await stack?.stop();
  });

  it('keeps every invariant through the kills, and the API process does not grow', async () => {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    await injectFault(stack.sandboxUrl, { path: '/*', kind: 'latency', latencyMs: 50 });
    const refs: string[] = [];
    const kills: number[] = [];
    const memory: Array<{ at: number; rss: number }> = [];
    const started = Date.now();
    let running = true;

    const sampler = (async () => {
      while (running) {
        memory.push({ at: Date.now() - started, rss: (await pidusage(api.child.pid!)).memory });
        await sleep(5000);
      }
    })();
    const killer = (async () => {
      for (let next = profile.soakKillEveryMs; next < profile.soakDurationMs; next += profile.soakKillEveryMs) {
        await sleep(started + next - Date.now());
        kills.push(Date.now());
        workers.at(-1)!.kill('SIGKILL');
        await sleep(1000);
        workers.push(await startWorkerProcess(stack.config, `chaos-soak-worker-${workers.length + 1}.log`));
      }
    })();
    const results: PosCheckout[] = await driveAtRate(
      { ratePerSecond: profile.soakRatePerSecond, durationMs: profile.soakDurationMs, maxInFlight: 1000 },
      async () => {
        const ref = uniquePosReference('C7');
        refs.push(ref);
        return runPosCheckout(api.url, ref, await referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true }), { deadlineMs: 240_000 });
      },
    );
    await killer;
    running = false;
    await sampler;

    const report = await checkInvariants({ ...stack, apiUrl: api.url, posReferences: refs });
    // A kill between a CRM.COM effect's intent and its answer leaves its outcome unknown: with no
    // documented lookup (a spend request) it is never sent again, its `unknown` row tells ops and
    // finance, and that checkout unwinds (502) before payment: at most once, by design (README, Money rules).
    const unknownIds: Array<{ checkout_id: string }> = await stack.dataSource.query(
      `SELECT DISTINCT checkout_id FROM audit_events WHERE kind = 'vendor_call' AND vendor = 'crmcom' AND outcome = 'unknown'`,
    );
    const atMostOnceUnwound = unknownIds.filter((r) => refs.some((ref) => r.checkout_id.endsWith(`:${ref}`))).length;
    const answered5xx = results.filter((r) => r.answers.some((a) => a.status >= 500));
    const inRecovery = results.filter((r) => kills.some((k) => r.startedAt >= k && r.startedAt < k + RECOVERY_WINDOW_MS));
    const steady = results.filter((r) => !inRecovery.includes(r));
    // Growth: the last quarter's mean RSS against the first sample after a quarter of the run (warm-up).
    const warm = memory.find((m) => m.at >= profile.soakDurationMs / 4) ?? memory[0];
    const tail = memory.filter((m) => m.at >= (profile.soakDurationMs * 3) / 4);
    const tailMean = tail.reduce((a, m) => a + m.rss, 0) / Math.max(1, tail.length);
    const growth = (tailMean - warm.rss) / warm.rss;
    printScenarioSummary('7 soak', report, {
      minutes: (profile.soakDurationMs / 60_000).toFixed(1),
      rate_per_s: profile.soakRatePerSecond,
      worker_kills: kills.length,
      p99_steady_ms: latencyStats(steady.map((r) => r.totalMs)).p99,
      p99_recovery_ms: latencyStats(inRecovery.map((r) => r.totalMs)).p99,
      max_recovery_ms: latencyStats(inRecovery.map((r) => r.totalMs)).max,
      api_rss_mb: `${(warm.rss / 2 ** 20).toFixed(0)}->${(tailMean / 2 ** 20).toFixed(0)}`,
      api_rss_growth_pct: (growth * 100).toFixed(1),
      '5xx': results.flatMap((r) => r.answers).filter((a) => a.status >= 500).length,
      crmcom_outcome_unknown_unwound: atMostOnceUnwound,
    });

    expect(report.violations).toEqual([]);
    expect(kills.length).toBe(Math.ceil(profile.soakDurationMs / profile.soakKillEveryMs) - 1);
    expect(report.counts.completed + atMostOnceUnwound).toBe(refs.length);
    expect(report.counts.unwound).toBe(atMostOnceUnwound);
    // The only 5xx: the 502 of a checkout unwound over an unknown CRM.COM outcome.
    expect(results.flatMap((r) => r.answers).filter((a) => a.status >= 500 && a.status !== 502)).toEqual([]);
    expect(answered5xx.length).toBeLessThanOrEqual(atMostOnceUnwound);
    // A two-minute soak is mostly warm-up: the memory bound is asserted on the full profile only.
    if (profile.name === 'full') expect(growth).toBeLessThan(0.1);
  }, 45 * 60_000);
});
