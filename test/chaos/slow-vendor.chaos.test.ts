import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault } from '../support/journal';
import { useApiKey } from './support/chaos-http';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';
import { checkInvariants } from './invariants';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { driveAtRate, latencyStats } from './support/load-driver';
import { runPosCheckout, type PosCheckout } from './support/pos-client';

/**
 * Scenario 6: every CRM.COM call is slow (median 200 ms, p99 2 s) while one-shot checkouts arrive
 * at a fixed rate. No errors, and the system keeps up: the last checkout finishes soon after the
 * last one arrives instead of a backlog growing.
 */
describe('chaos 6: a slow vendor (p99 2 s) under a fixed arrival rate', () => {
  const profile = chaosProfile();
  let stack: TestStack;
  let worker: ChildProcess;

  // The worker in its own process, as in production: the API, the sandbox and the load driver
  // share this one, and a slow vendor must not be measured through one overloaded event loop.
  beforeAll(async () => {
    if (process.env.CHAOS_DIST_BUILT !== '1') buildDist();
    stack = await startTestStack({ VENDOR_TIMEOUT_MS: '5000' }, { worker: false });
    useApiKey(stack.keys.admin);
    worker = await startWorkerProcess(stack.config, 'chaos-slow-vendor-worker.log');
  }, 180_000);
  afterAll(async () => {
    if (worker?.exitCode === null) worker.kill('SIGTERM');
    await stack?.stop();
  });

  it('completes every checkout with zero errors and keeps up with the arrival rate', async () => {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    await injectFault(stack.sandboxUrl, { path: '/crmcom/*', kind: 'latency', latencyMs: 200, p99LatencyMs: 2000 });
    const refs: string[] = [];
    const started = Date.now();
    const results: PosCheckout[] = await driveAtRate(
      { ratePerSecond: profile.slowVendorRatePerSecond, durationMs: profile.slowVendorDurationMs, maxInFlight: 500 },
      async () => {
        const ref = uniquePosReference('C6');
        refs.push(ref);
        return runPosCheckout(stack.apiUrl, ref, await referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true }), { deadlineMs: 120_000 });
      },
    );
    const lastArrival = Math.max(...results.map((r) => r.startedAt));
    const lastDone = Math.max(...results.map((r) => r.startedAt + r.totalMs));
    const drainSeconds = (lastDone - lastArrival) / 1000;
    const throughput = results.length / ((lastDone - started) / 1000);

    const report = await checkInvariants({ ...stack, posReferences: refs });
    const latency = latencyStats(results.map((r) => r.totalMs));
    const errors = results.flatMap((r) => r.answers).filter((a) => a.status !== 201).length;
    printScenarioSummary('6 slow-vendor', report, {
      offered_per_s: profile.slowVendorRatePerSecond,
      achieved_per_s: throughput.toFixed(2),
      p50_ms: latency.p50,
      p99_ms: latency.p99,
      max_ms: latency.max,
      drain_s: drainSeconds.toFixed(1),
      errors,
    });

    expect(report.violations).toEqual([]);
    expect(errors).toBe(0);
    expect(report.counts.completed).toBe(refs.length);
    // Keeping up: no backlog beyond the slowest checkouts' own tail.
    expect(drainSeconds).toBeLessThan(15);
    expect(throughput).toBeGreaterThan(0.7 * profile.slowVendorRatePerSecond);
  }, 600_000);
});
