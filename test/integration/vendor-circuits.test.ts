import { MoreThan } from 'typeorm';
import { hostname } from 'node:os';
import request from 'supertest';
import { workerRegistry } from '../../activities/metrics/worker-metrics';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { injectFault } from '../support/journal';
import { bearer, testStackForFile, uniquePosReference } from '../support/test-stack';

const COOLDOWN_MS = 3000;
const SHOW_PATH = '/crmcom/crmapi/rest/v2/rewards_participants/show';

interface CircuitView {
  vendor: string;
  state: string;
  since: string | null;
  forced: string;
  override: { force: string; actor: string } | null;
  workers: Array<{ worker: string; state: string; forced: string | null; stale: boolean }>;
}

/**
 * CRM.COM's breaker through real boundaries: checkouts into the API, the in-process worker, the
 * sandbox over HTTP (its fault injection stands for the vendor failing, and its fault hit counts for
 * what reached the vendor), Postgres between the worker and the ops API. The test asserts the
 * breaker, not the sale: what a checkout answers while a vendor is unavailable is the till budget's.
 */
describe('per-vendor circuit breakers', () => {
  const stack = testStackForFile({
    VENDOR_BREAKER_FAILURE_PERCENT: '50',
    VENDOR_BREAKER_VOLUME_THRESHOLD: '3',
    VENDOR_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
    VENDOR_BREAKER_SYNC_MS: '200',
    // Long till budgets: the saga keeps retrying CRM.COM (before the deadline) while the breaker decides.
    CHECKOUT_ANSWER_TIMEOUT_MS: '25000',
  });
  /** This process's worker (Temporal's default identity): other test files' workers report to the same table. */
  const OWN_WORKER = `${process.pid}@${hostname()}`;
  /** Sale requests still waiting for their answer: awaited at the end, whatever they answer. */
  const pending: Array<Promise<unknown>> = [];
  afterAll(() => Promise.allSettled(pending));

  const ops = () => stack.api(stack.keys.ops);
  const crmcom = async () => {
    const view = ((await ops().get('/v1/ops/vendors/circuits').expect(200)).body.vendors as CircuitView[]).find((v) => v.vendor === 'crmcom') as CircuitView;
    const own = view.workers.filter((w) => w.worker === OWN_WORKER);
    // The state this test's breaker is in (the view's own state is the worst of every live worker's).
    return { ...view, state: own[0]?.state ?? view.state, workers: own };
  };
  const crmcomWhen = (check: (v: CircuitView) => boolean) => eventually(crmcom, check, { timeoutMs: 20_000, intervalMs: 100 });
  const faultHits = async () => ((await request(stack.sandboxUrl).get('/_sandbox/faults').expect(200)).body.faults as Array<{ hits: number }>).reduce((n, f) => n + f.hits, 0);
  /** Starts a one-shot CRM.COM checkout without waiting for its answer; its id. */
  const startCheckout = (prefix: string) => {
    const posReference = uniquePosReference(prefix);
    pending.push(stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).then((r) => r.status));
    return `checkout:demo:S1:T1:${posReference}`;
  };
  const firstVendorCall = (checkoutId: string) =>
    eventually(
      () => stack.dataSource.getRepository(AuditEvent).findOne({ where: { checkoutId, kind: 'vendor_call' }, order: { id: 'ASC' } }),
      (row) => row !== null,
      { intervalMs: 50 },
    );
  const metric = async (name: string) => (await workerRegistry.getSingleMetric(name)?.get())?.values ?? [];
  const count = async (name: string, labels: Record<string, string>) =>
    (await metric(name)).filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((n, v) => n + v.value, 0);

  it('opens after repeated failures, answers at once without sending while open, and a probe closes it again', async () => {
    // A sale while CRM.COM is healthy: its token is cached, so what follows calls rewards_participants/show only.
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBW'))).expect(201);
    expect((await crmcom()).state).toBe('closed');

    await injectFault(stack.sandboxUrl, { path: SHOW_PATH, kind: 'status', status: 503 });
    startCheckout('CBA');
    const opened = await crmcomWhen((v) => v.state === 'open');
    expect(opened).toMatchObject({ state: 'open', forced: 'auto', workers: [expect.objectContaining({ state: 'open', forced: null, stale: false })] });
    const hitsWhenOpened = await faultHits();
    expect(hitsWhenOpened).toBeGreaterThanOrEqual(2);
    const shortCircuitsBefore = await count('checkout_vendor_circuit_short_circuits_total', { vendor: 'crmcom' });

    // While it is open: the step answers at once, its call audited as not sent, and nothing reaches CRM.COM.
    const held = await firstVendorCall(startCheckout('CBB'));
    expect(held).toMatchObject({ vendor: 'crmcom', operation: 'rewards_participants.show', outcome: 'failed', errorCode: 'CIRCUIT_OPEN', httpStatus: null });
    expect(held?.errorMessage).toContain('circuit open');
    expect(held?.latencyMs).toBeLessThan(50);
    expect(await faultHits()).toBe(hitsWhenOpened);
    expect(await crmcom()).toMatchObject({ state: 'open', since: opened.since }); // no probe in between
    expect(await count('checkout_vendor_circuit_short_circuits_total', { vendor: 'crmcom' })).toBeGreaterThan(shortCircuitsBefore);
    expect(await count('checkout_vendor_circuit_state', { vendor: 'crmcom', state: 'open' })).toBe(1);

    // CRM.COM healthy again: after the cool-down one probe goes through and closes the circuit.
    await request(stack.sandboxUrl).delete('/_sandbox/faults').expect(200);
    await crmcomWhen((v) => v.state !== 'open');
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBC'))).expect(201);
    expect(await crmcomWhen((v) => v.state === 'closed')).toMatchObject({ state: 'closed' });
    for (const [from, to] of [['closed', 'open'], ['open', 'half_open'], ['half_open', 'closed']]) {
      expect(await count('checkout_vendor_circuit_transitions_total', { vendor: 'crmcom', from, to })).toBeGreaterThanOrEqual(1);
    }
    expect(await count('checkout_vendor_circuit_state', { vendor: 'crmcom', state: 'closed' })).toBe(1);
  });

  it('ops force it open (nothing is sent to a healthy vendor) and back to auto (a probe closes it); audited', async () => {
    await crmcomWhen((v) => v.state === 'closed');
    // Other test files force circuits too (the access matrix): this test's rows are the ones after these.
    const [{ before }] = (await stack.dataSource.query(`SELECT coalesce(max(id), 0)::bigint AS before FROM audit_events WHERE checkout_id = 'vendor-circuit:crmcom'`)) as Array<{ before: string }>;
    const forced = await ops().post('/v1/ops/vendors/crmcom/circuit').send({ force: 'open' }).expect(200);
    expect(forced.body).toMatchObject({ vendor: 'crmcom', forced: 'open', override: { force: 'open', actor: expect.stringMatching(/^key:/) } });
    expect(await crmcomWhen((v) => v.workers[0]?.forced === 'open')).toMatchObject({ state: 'open', workers: [expect.objectContaining({ state: 'open', forced: 'open' })] });

    // A fault that delays nothing, to count what reaches CRM.COM.
    await injectFault(stack.sandboxUrl, { path: '/crmcom/*', kind: 'latency', latencyMs: 1 });
    const held = await firstVendorCall(startCheckout('CBF'));
    expect(held).toMatchObject({ vendor: 'crmcom', errorCode: 'CIRCUIT_OPEN' });
    expect(held?.errorMessage).toContain('forced open by ops');
    expect(await faultHits()).toBe(0);

    await ops().post('/v1/ops/vendors/crmcom/circuit').send({ force: 'auto' }).expect(200);
    // Handed back: once its cool-down is over, half-open, so the next call probes (a retry of the sale
    // held back above may be that call, and close it first).
    await crmcomWhen((v) => v.workers[0]?.forced === null && v.state !== 'open');
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CBG'))).expect(201);
    expect(await crmcomWhen((v) => v.state === 'closed')).toMatchObject({ state: 'closed', forced: 'auto' });

    const actions = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: 'vendor-circuit:crmcom', id: MoreThan(before) }, order: { id: 'ASC' } });
    expect(actions.map((a) => [a.kind, a.vendor, a.operation, a.outcome])).toEqual([
      ['ops_action', 'crmcom', 'force_circuit', 'open'],
      ['ops_action', 'crmcom', 'force_circuit', 'auto'],
    ]);
    expect(actions[0].actor).toMatch(/^key:/);
  });

  it('refuses an unknown vendor (404), a bad body (400 naming force), a pos key and a store-scoped key', async () => {
    const unknown = await ops().post('/v1/ops/vendors/acme/circuit').send({ force: 'open' }).expect(404);
    expect(unknown.body).toMatchObject({ type: '/problems/not-found', status: 404 });
    const bad = await ops().post('/v1/ops/vendors/crmcom/circuit').send({ force: 'half' }).expect(400);
    expect(bad.body).toMatchObject({ type: '/problems/invalid-request', errors: [expect.objectContaining({ field: 'force' })] });
    const missing = await ops().post('/v1/ops/vendors/crmcom/circuit').send({}).expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'force' })]);
    await stack.api().get('/v1/ops/vendors/circuits').expect(403);
    const scoped = await stack.keyFor({ role: 'ops', store: 'S1' });
    const refused = await request(stack.apiUrl).post('/v1/ops/vendors/crmcom/circuit').set(bearer(scoped)).send({ force: 'open' }).expect(403);
    expect(refused.body).toMatchObject({ type: '/problems/outside-key-scope', errors: [expect.objectContaining({ field: 'store' })] });
    expect((await crmcom()).forced).toBe('auto');
  });
});
