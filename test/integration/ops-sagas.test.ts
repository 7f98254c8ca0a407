import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parseApiKey } from '../../core/access/api-key-format';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { findTemporalBinary } from '../../src/dev-stack/temporal-cli';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { checkoutViewIn } from '../support/checkout-view';
import { freePort } from '../../src/dev-stack/free-port';
import { eventually } from '../support/eventually';
import { checkoutEffects, injectFault, REFERENCE_COMMITTED_THEN_UNDONE } from '../support/journal';
import { screenshotWorkflowList } from '../support/temporal-ui-browser';
import { testTemporalUiUrl } from '../support/test-env';
import { resetSandbox } from '../support/sandbox-server';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';

const PURCHASE_CANCEL = '/crmcom/crmapi/rest/v2/customer_events/purchases/cancel';
const FAILED_QUERY = 'CheckoutState="compensation_failed" AND CheckoutStore="S1"';

/**
 * Ops through real boundaries: CRM.COM's sandbox refuses the purchase void, so the cancelled
 * checkout ends compensation_failed; ops find it (API, CLI, Web UI), retry it once the sandbox
 * recovers, and the journal shows every effect undone exactly once. The worker is the real worker
 * process, so its two scrape targets (ours and the SDK's) are read as Prometheus would.
 */
describe('ops over a checkout saga in compensation_failed', () => {
  let stack: TestStack;
  let worker: ChildProcess;
  let workerMetricsUrl: string;
  let sdkMetricsUrl: string;
  const posReference = uniquePosReference('OPS');
  let checkoutId: string;

  beforeAll(async () => {
    buildDist();
    mkdirSync(path.resolve(__dirname, '..', '..', '.data'), { recursive: true });
    stack = await startTestStack({ CHECKOUT_HOLD_TIMEOUT_MS: '120000', CHECKOUT_ANSWER_TIMEOUT_MS: '3000' }, { worker: false });
    const [ours, sdk] = [await freePort(), await freePort()];
    workerMetricsUrl = `http://127.0.0.1:${ours}`;
    sdkMetricsUrl = `http://127.0.0.1:${sdk}`;
    worker = await startWorkerProcess(stack.config, 'ops-worker.log', { WORKER_METRICS_PORT: String(ours), WORKER_SDK_METRICS_PORT: String(sdk) });
    await resetSandbox(stack.sandboxUrl);
  }, 180_000);
  afterAll(async () => {
    if (worker?.exitCode === null) worker.kill('SIGTERM');
    await stack?.stop();
  });

  const api = () => stack.api();
  const ops = () => stack.api(stack.keys.ops);

  it('ends compensation_failed when the sandbox refuses the purchase void, and says which undo failed', async () => {
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    checkoutId = reserved.body.checkoutId as string;
    await api().post(`/v1/checkouts/${checkoutId}/commit`).send({}).expect(200);
    await injectFault(stack.sandboxUrl, {
      path: PURCHASE_CANCEL,
      kind: 'status',
      status: 200,
      body: { status: { code: 'EXCPurchaseNotCancellable', message: 'refused', description: 'void refused by the sandbox' }, data: null },
    });
    const cancelled = await api().post(`/v1/checkouts/${checkoutId}/cancel`).send();

    expect(cancelled.body).toMatchObject({ state: 'compensation_failed', failureReason: expect.stringContaining('void CRM.COM purchase') });
    const counts = await checkoutEffects(stack.sandboxUrl, posReference);
    expect(counts['crmcom:purchase.cancel']).toBeUndefined();
    expect(counts['coupontools:coupon.unlock']).toBe(1);
  }, 90_000);

  it('is listed by the ops API, filtered by state, store and vendor; bad filters are 400 naming the field', async () => {
    const listed = await eventually(
      () => ops().get('/v1/ops/sagas').query({ state: 'compensation_failed', store: 'S1', vendor: 'crmcom' }).expect(200),
      (res) => res.body.sagas.some((s: { checkoutId: string }) => s.checkoutId === checkoutId),
    );
    expect(listed.body.query).toBe('WorkflowType IN ("checkoutWorkflow", "checkoutWorkflowV2") AND CheckoutMerchant = "demo" AND CheckoutState = "compensation_failed" AND CheckoutStore = "S1" AND CheckoutVendors = "crmcom"');
    expect(listed.body.sagas.find((s: { checkoutId: string }) => s.checkoutId === checkoutId)).toMatchObject({
      status: 'RUNNING',
      state: 'compensation_failed',
      store: 'S1',
      till: 'T1',
      failingStep: 'void CRM.COM purchase',
      vendors: ['capillary', 'cmc', 'coupontools', 'crmcom'],
    });
    const completed = await ops().get('/v1/ops/sagas').query({ state: 'completed', store: 'S1' }).expect(200);
    expect(completed.body.sagas.map((s: { checkoutId: string }) => s.checkoutId)).not.toContain(checkoutId);

    const injected = await ops().get('/v1/ops/sagas').query({ store: 'S1" OR WorkflowType != "x' }).expect(400);
    expect(injected.body.errors).toEqual([expect.objectContaining({ field: 'store' })]);
    const badState = await ops().get('/v1/ops/sagas').query({ state: 'failed' }).expect(400);
    expect(badState.body.errors).toEqual([expect.objectContaining({ field: 'state' })]);
  });

  it('is listed by `temporal workflow list --query`', async () => {
    const binary = findTemporalBinary();
    if (!binary) throw new Error('no temporal binary: the global setup builds one');
    const list = () =>
      Promise.resolve(
        spawnSync(binary, ['workflow', 'list', '--address', stack.config.TEMPORAL_ADDRESS, '--query', FAILED_QUERY, '--output', 'json'], { encoding: 'utf8' }),
      );
    const result = await eventually(list, (r) => r.stdout.includes(checkoutId));
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ execution: { workflowId: string } }>;
    expect(rows.map((r) => r.execution.workflowId)).toContain(checkoutId);
  });

  it('shows its steps, attempts, last failure and vendor references in the ops detail', async () => {
    const detail = await ops().get(`/v1/ops/sagas/${encodeURIComponent(checkoutId)}`).expect(200);

    expect(detail.body).toMatchObject({ state: 'compensation_failed', failingStep: 'void CRM.COM purchase', status: 'RUNNING' });
    expect(detail.body.failureReason).toContain('void refused by the sandbox');
    const voids = detail.body.steps.filter((s: { activity: string }) => s.activity === 'voidLoyaltyPurchase');
    expect(voids).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, lastFailure: expect.stringContaining('void refused by the sandbox') })]);
    // A v2 saga's vendor steps are local activities, listed from their markers beside the regular undos.
    expect(detail.body.steps.find((s: { activity: string }) => s.activity === 'submitLoyaltyPurchase')).toMatchObject({ status: 'completed', attempts: 1, local: true });
    expect(detail.body.vendorReferences).toEqual(
      expect.arrayContaining([expect.objectContaining({ vendor: 'crmcom', operation: 'purchases.create', reference: expect.any(String) })]),
    );
    await ops().get('/v1/ops/sagas/checkout:other-merchant:S1:T1:X').expect(404);
  });

  it('is found by the Temporal Web UI filtered on compensation_failed (Debian Chromium, screenshot saved)', async () => {
    const { found, screenshot } = await screenshotWorkflowList(testTemporalUiUrl(), FAILED_QUERY, checkoutId, 'temporal-ui-compensation-failed.png');
    console.log(`Temporal UI screenshot: ${screenshot}`);
    expect(found).toBe(true);
  }, 90_000);

  it('goes to compensated on an ops retry once the sandbox recovers, undoing each effect once, audited', async () => {
    await request(stack.sandboxUrl).delete('/_sandbox/faults').expect(200);
    const retried = await ops().post(`/v1/ops/sagas/${encodeURIComponent(checkoutId)}/retry`).expect(200);

    expect(retried.body).toMatchObject({ action: 'retry_compensation', state: 'compensated' });
    expect(await checkoutEffects(stack.sandboxUrl, posReference)).toEqual(REFERENCE_COMMITTED_THEN_UNDONE);
    const view = await api().get(`/v1/checkouts/${checkoutId}`).expect(200);
    expect(view.body.state).toBe('compensated');
    // Closed now: a second retry is refused, and that refusal is audited too.
    await eventually(() => ops().get(`/v1/ops/sagas/${encodeURIComponent(checkoutId)}`), (r) => r.body.status === 'COMPLETED');
    await ops().post(`/v1/ops/sagas/${encodeURIComponent(checkoutId)}/retry`).expect(409);
    const actions = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId, kind: 'ops_action' }, order: { id: 'ASC' } });
    // The actor is the ops key's id (never the key itself).
    const opsKeyId = `key:${parseApiKey(stack.keys.ops)?.keyId}`;
    expect(actions.map((a) => [a.operation, a.outcome, a.actor])).toEqual([
      ['retry_compensation', 'compensated', opsKeyId],
      ['retry', 'refused', opsKeyId],
    ]);
    const listed = await eventually(
      () => ops().get('/v1/ops/sagas').query({ state: 'compensated', store: 'S1' }),
      (res) => res.body.sagas.some((s: { checkoutId: string }) => s.checkoutId === checkoutId),
    );
    expect(listed.body.sagas.find((s: { checkoutId: string }) => s.checkoutId === checkoutId).failingStep).toBeUndefined();
  }, 90_000);

  it('counts the saga and its vendor calls in /metrics: the API, the worker and the Temporal SDK', async () => {
    const apiMetrics = (await api().get('/metrics').expect(200)).text;
    // The API's own counters (no query per scrape): the ops retry answered 200 once and 409 once, by route template.
    expect(apiMetrics).toMatch(/^checkout_api_requests_total\{method="POST",route="\/v1\/ops\/sagas\/:id\/retry",status="200"\} 1$/m);
    expect(apiMetrics).toMatch(/^checkout_api_requests_total\{method="POST",route="\/v1\/ops\/sagas\/:id\/retry",status="409"\} 1$/m);
    expect(apiMetrics).toMatch(/^checkout_api_request_duration_seconds_count\{method="POST",route="\/v1\/checkouts\/:id\/commit"\} [1-9]/m);
    expect(apiMetrics).not.toContain(checkoutId);

    const ours = (await request(workerMetricsUrl).get('/metrics').expect(200)).text;
    expect(ours).toMatch(/^checkout_vendor_call_duration_seconds_count\{vendor="crmcom",operation="purchases.create",outcome="success"\} 1$/m);
    expect(ours).toMatch(/^checkout_vendor_call_errors_total\{vendor="crmcom",operation="purchases.cancel",outcome="rejected"\} 1$/m);
    expect(ours).toMatch(/^checkout_compensation_attempts_total\{activity="voidLoyaltyPurchase",outcome="failed"\} 1$/m);
    expect(ours).toMatch(/^checkout_compensation_attempts_total\{activity="voidLoyaltyPurchase",outcome="done"\} 1$/m);
    expect(ours).toMatch(/^checkout_saga_transitions_total\{state="compensation_failed"\} 1$/m);
    expect(ours).toMatch(/^checkout_saga_transitions_total\{state="compensated"\} 1$/m);
    expect(ours).not.toContain(checkoutId);

    const sdk = (await request(sdkMetricsUrl).get('/metrics').expect(200)).text;
    expect(sdk).toMatch(/^temporal_activity_execution_latency_count\{[^}]*activity_type="voidLoyaltyPurchase"[^}]*\} [1-9]/m);
  });

  it('re-drives a step stuck in retries after payment at once (activity reset), audited', async () => {
    const stuckReference = uniquePosReference('STUCK');
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, stuckReference)).expect(201);
    const id = reserved.body.checkoutId as string;
    await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    await injectFault(stack.sandboxUrl, { path: '/cmc/pos/checkout-saga/transaction', kind: 'status', status: 503 });
    // The API answers 202 after CHECKOUT_ANSWER_TIMEOUT_MS; the saga keeps retrying CMC with backoff.
    const failingSince = Date.now();
    await api().post(`/v1/checkouts/${id}/complete`).send({}).expect(202);
    const pendingStep = await eventually(
      () => ops().get(`/v1/ops/sagas/${encodeURIComponent(id)}`),
      (r) => (r.body.steps ?? []).some((s: { activity: string; local?: true; status: string }) => s.activity === 'sendPostTender' && !s.local && s.status !== 'completed'),
      { timeoutMs: 15_000 },
    );
    // Issue 18: a vendor that keeps failing shows as a pending step within 15 s (its local budget is 8 s).
    expect(pendingStep.body.steps).toEqual(expect.arrayContaining([expect.objectContaining({ activity: 'sendPostTender', status: expect.stringMatching(/^(scheduled|running)$/) })]));
    expect(Date.now() - failingSince).toBeLessThan(15_000);
    const stuck = await eventually(
      () => ops().get(`/v1/ops/sagas/${encodeURIComponent(id)}`),
      (r) => (r.body.steps ?? []).some((s: { activity: string; attempts: number; local?: true }) => s.activity === 'sendPostTender' && !s.local && s.attempts >= 5),
      { timeoutMs: 30_000 },
    );
    // Its local budget spent (three tries, its marker), the step went on as a regular activity: pending, resettable.
    const tries = stuck.body.steps.filter((s: { activity: string }) => s.activity === 'sendPostTender');
    expect(tries[0]).toMatchObject({ local: true, status: 'failed', attempts: 3, lastFailure: expect.stringContaining('HTTP 503') });
    const step = tries.find((s: { local?: true }) => !s.local);
    expect(step).toMatchObject({ status: 'scheduled', lastFailure: expect.stringContaining('HTTP 503'), nextAttemptAt: expect.any(String) });
    // The next attempt is seconds away (backoff 8 s and growing); a reset runs it now.
    await request(stack.sandboxUrl).delete('/_sandbox/faults').expect(200);
    const retried = await ops().post(`/v1/ops/sagas/${encodeURIComponent(id)}/retry`).expect(200);

    expect(retried.body).toMatchObject({ action: 'reset_activity', state: 'committed', activities: [expect.stringMatching(/^sendPostTender#/)] });
    await checkoutViewIn(stack, id, 'completed', { timeoutMs: 20_000 });
    // Done before the server's own next attempt was due: the reset, not the backoff, ran it.
    expect(Date.now()).toBeLessThan(new Date(step.nextAttemptAt as string).getTime());
    expect((await checkoutEffects(stack.sandboxUrl, stuckReference))['cmc:posttender.transaction']).toBe(1);
    const actions = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: id, kind: 'ops_action' } });
    expect(actions.map((a) => [a.operation, a.outcome])).toEqual([['reset_activity', 'requested']]);
  }, 90_000);

  it('answers /health and /ready (database, Temporal, a polling worker)', async () => {
    await api().get('/health').expect(200, { status: 'ok' });
    const ready = await api().get('/ready').expect(200);
    expect(ready.body.checks).toEqual([
      { name: 'database', ok: true },
      { name: 'temporal', ok: true },
      { name: 'worker', ok: true },
    ]);
  });
});
