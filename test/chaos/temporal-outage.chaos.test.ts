import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import request from 'supertest';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault } from '../support/journal';
import { temporalClientOn } from '../../core/temporal/temporal-client';
import { startTestStack, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';
import { checkInvariants } from './invariants';
import { callApi, useApiKey } from './support/chaos-http';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { runOutageUnderLoad } from './support/outage-under-load';
import { startOwnTemporal, type OwnTemporal } from './support/own-temporal';
import { CHECKOUT_SAGA_TYPES_CLAUSE } from '../../src/ops/saga-list-query';

/**
 * Scenario 1: our own Temporal server (CHAOS_TEMPORAL: the dev server on a SQLite file, or
 * temporal-server on Postgres) is stopped under load and started again on the same data. Nothing is lost; the API answers 503 with Retry-After during the outage,
 * never 500; a POS retry with the same key after recovery replays the checkout without a second saga.
 */
describe(`chaos 1: Temporal (${process.env.CHAOS_TEMPORAL ?? 'dev'}) stopped under load and restarted on the same data`, () => {
  const profile = chaosProfile();
  let temporal: OwnTemporal;
  let stack: TestStack;
  let worker: ChildProcess;

  beforeAll(async () => {
    if (process.env.CHAOS_DIST_BUILT !== '1') buildDist();
    temporal = await startOwnTemporal();
    stack = await startTestStack({ TEMPORAL_ADDRESS: temporal.address, CHECKOUT_ANSWER_TIMEOUT_MS: '60000' }, { worker: false });
    useApiKey(stack.keys.admin);
    worker = await startWorkerProcess(stack.config, 'chaos-temporal-outage-worker.log');
  }, 180_000);
  afterAll(async () => {
    if (worker?.exitCode === null) worker.kill('SIGTERM');
    await stack?.stop();
    await temporal?.destroy();
  });

  it('loses nothing, answers 503 with Retry-After (never 500) while down, and replays after recovery', async () => {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    // Vendors at 50 ms (the benchmark's slower setting) so checkouts are in flight when it stops.
    await injectFault(stack.sandboxUrl, { path: '/*', kind: 'latency', latencyMs: 50 });
    const run = await runOutageUnderLoad({
      ...stack,
      prefix: 'C1',
      ratePerSecond: profile.outageRatePerSecond,
      warmMs: 5000,
      outageMs: profile.outageMs,
      afterMs: 10_000,
      breakIt: () => temporal.stop(),
      repairIt: () => temporal.restart(),
    });
    const answers = run.results.flatMap((r) => r.answers);
    const unavailable = answers.filter((a) => a.status === 503);

    // The same request again after recovery: the first answer, replayed, and still one run per id.
    const replays = await Promise.all(
      run.refs.map(async (ref) => callApi(stack.apiUrl, 'POST', '/v1/checkouts', await referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true }))),
    );
    const client = temporalClientOn(await Connection.connect({ address: temporal.address }), stack.config);
    const runsPerId = new Map<string, number>();
    for await (const wf of client.workflow.list({ query: CHECKOUT_SAGA_TYPES_CLAUSE })) {
      runsPerId.set(wf.workflowId, (runsPerId.get(wf.workflowId) ?? 0) + 1);
    }
    await client.connection.close();

    const report = await checkInvariants({ ...stack, posReferences: run.refs });
    printScenarioSummary('1 temporal-outage', report, {
      temporal: temporal.kind,
      outage_s: ((run.repairedAt - run.brokenAt) / 1000).toFixed(1),
      answers_503: unavailable.length,
      answers_5xx_not_503: answers.filter((a) => a.status >= 500 && a.status !== 503).length,
      unreachable: answers.filter((a) => a.status === 0).length,
      slowest_503_ms: Math.max(0, ...unavailable.map((a) => a.ms)),
      recovery_s: (run.recoveryMs / 1000).toFixed(1),
      last_503_after_repair_s: ((Math.max(0, ...unavailable.map((a) => a.at)) - run.repairedAt) / 1000).toFixed(1),
      worker_alive: worker.exitCode === null ? 'yes' : `exited ${worker.exitCode}`,
    });

    expect(report.violations).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0); // the outage did meet requests
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(answers.filter((a) => a.status === 0)).toEqual([]);
    for (const a of unavailable) expect(a.retryAfter).toBe('5');
    expect(report.counts.completed).toBe(run.refs.length);
    expect(replays.map((r) => [r.status, r.headers.get('idempotent-replayed'), r.body.state])).toEqual(
      run.refs.map(() => [201, 'true', 'completed']),
    );
    expect(run.refs.map((ref) => runsPerId.get(`checkout:demo:S1:T1:${ref}`))).toEqual(run.refs.map(() => 1));
    expect(worker.exitCode).toBeNull();
  }, 600_000);
});
