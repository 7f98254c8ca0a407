import { WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createRuntimeDataSource } from '../../core/database/data-source';
import { temporalConnectionOptions } from '../../core/temporal/temporal-connection';
import { buildWorker } from '../../src/worker/build-worker';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { injectFault } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Load shedding (issue 22, item 3): a new checkout the engine cannot answer within the till's budget
 * is refused at once with 503 + Retry-After, and nothing is started for it: no workflow, no row.
 * The API starts without a worker on its task queue; one in-flight checkout at most (a tiny limit
 * stands for a saturated engine); the task queue read every 100 ms.
 */
describe('load shedding of new checkouts', () => {
  const stack = testStackForFile({ LOAD_SHEDDING_POLL_MS: '100', LOAD_SHEDDING_MIN_IN_FLIGHT: '1', LOAD_SHEDDING_MAX_IN_FLIGHT: '1' }, { worker: false });
  let worker: { run: Promise<void>; instance: Worker; connection: NativeConnection; dataSource: DataSource } | undefined;
  afterAll(async () => {
    worker?.instance.shutdown();
    await worker?.run;
    await worker?.connection.close();
    await worker?.dataSource.destroy();
  });

  const metrics = async () => (await request(stack.apiUrl).get('/metrics')).text;
  const checkoutId = (posReference: string) => `checkout:${stack.config.MERCHANT_ID}:S1:T1:${posReference}`;
  async function assertNothingStarted(posReference: string): Promise<void> {
    await expect(stack.temporal.workflow.getHandle(checkoutId(posReference)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await stack.dataSource.query('SELECT id FROM checkouts WHERE id = $1', [checkoutId(posReference)])).toEqual([]);
  }

  /** A one-shot checkout answered 503 overloaded at once (well within its 5 s budget: no Temporal call), with nothing started for it. */
  async function expectRefusedAtOnce(posReference: string, retryAfter: string, detail: RegExp): Promise<void> {
    const started = Date.now();
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference));
    expect(Date.now() - started).toBeLessThan(500);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(retryAfter);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/overloaded', status: 503 });
    expect(res.body.detail).toMatch(detail);
    await assertNothingStarted(posReference);
  }

  it('refuses new checkouts and batch uploads at once while no worker polls, starting nothing; the same request is accepted once a worker polls', async () => {
    const polled = await eventually(metrics, (text) => /^checkout_api_task_queue_pollers 0$/m.test(text));
    expect(polled).toMatch(/^checkout_api_task_queue_pollers 0$/m);

    const posReference = uniquePosReference('SHED');
    await expectRefusedAtOnce(posReference, '5', /No worker is polling/);

    const batchReference = uniquePosReference('BATCH');
    const batch = await stack.api().post('/v1/checkouts/batch').send({ batchReference, sales: [oneShotCheckoutBody(uniquePosReference('B'))] });
    expect(batch.status).toBe(503);
    expect(batch.body).toMatchObject({ type: '/problems/overloaded' });
    // No row for it (other test files' batches share the database).
    expect(await stack.dataSource.query('SELECT count(*)::int AS n FROM checkout_batches WHERE id LIKE $1', [`%${batchReference}%`])).toEqual([{ n: 0 }]);

    const counted = await metrics();
    expect(counted).toMatch(/^checkout_api_admission_total\{kind="checkout",decision="shed",reason="no-worker"\} 1$/m);
    expect(counted).toMatch(/^checkout_api_admission_total\{kind="batch",decision="shed",reason="no-worker"\} 1$/m);

    // What it reads of the backlog is Temporal's own figure: a task nobody picks up shows, and ages.
    const waiting = await stack.temporal.workflow.start('backlogProbe', { taskQueue: stack.config.TEMPORAL_TASK_QUEUE, workflowId: uniquePosReference('probe') });
    const backlog = await eventually(metrics, (text) => /^checkout_api_task_queue_backlog 1$/m.test(text) && /^checkout_api_task_queue_backlog_age_seconds 0\.[1-9]/m.test(text), { timeoutMs: 10_000 });
    expect(backlog).toMatch(/^checkout_api_task_queue_backlog 1$/m);
    expect(backlog).toMatch(/^checkout_api_task_queue_backlog_age_seconds (0\.[1-9]|[1-9])/m);
    await waiting.terminate('backlog probe: no such workflow type');

    // The worker is back: once the API has seen it poll, the same request runs, and is its first start.
    const connection = await NativeConnection.connect(temporalConnectionOptions(stack.config));
    const dataSource = await createRuntimeDataSource(stack.config, 5).initialize();
    const instance = await buildWorker(stack.config, { connection, dataSource });
    worker = { instance, connection, dataSource, run: instance.run() };
    // The probe's task leaves the backlog once the worker polls it (Temporal's figures lag by a few seconds).
    const ready = await eventually(metrics, (text) => /^checkout_api_task_queue_pollers [1-9]/m.test(text) && /^checkout_api_task_queue_backlog 0$/m.test(text), { timeoutMs: 30_000 });
    expect(ready).toMatch(/^checkout_api_task_queue_backlog 0$/m);
    const accepted = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference));
    expect(accepted.status).toBe(201);
    expect(accepted.body.state).toBe('completed');
    expect(accepted.headers['idempotent-replayed']).toBe('false');
    expect(await metrics()).toMatch(/^checkout_api_admission_total\{kind="checkout",decision="admitted",reason=""\} 1$/m);
  });

  it('refuses a new checkout beyond the in-flight limit while another is slow, and admits again once it answered', async () => {
    await eventually(metrics, (text) => /^checkout_api_task_queue_pollers [1-9]/m.test(text));
    await injectFault(stack.sandboxUrl, { path: '/*', kind: 'latency', latencyMs: 400 });
    const slow = uniquePosReference('SLOW');
    const first = stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(slow)).then((r) => r);
    await eventually(metrics, (text) => /^checkout_api_admission_in_flight 1$/m.test(text), { intervalMs: 20 });
    // Temporal's poller list can miss a poller for a moment (seen on a loaded CI machine): the API then
    // refuses for "no worker" first. Wait until it sees the worker again, while the slow one is in flight.
    await eventually(metrics, (text) => /^checkout_api_task_queue_pollers [1-9]/m.test(text), { intervalMs: 20 });

    const refusedReference = uniquePosReference('SHED');
    await expectRefusedAtOnce(refusedReference, '1', /1 checkouts are in flight/);

    expect((await first).status).toBe(201);
    await request(stack.sandboxUrl).delete('/_sandbox/faults');
    const after = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(refusedReference));
    expect(after.status).toBe(201);
    expect(await metrics()).toMatch(/^checkout_api_admission_total\{kind="checkout",decision="shed",reason="in-flight"\} 1$/m);
  });
});
