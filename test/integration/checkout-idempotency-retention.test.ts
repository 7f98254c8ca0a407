import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Idempotency forever: Temporal's retention deletes a closed saga's history, and with it the
 * workflow id that made a replay attach instead of start. Deleting the executions here is what
 * retention does to them; each checkout key must still answer its first sale and never run it again.
 */
describe('a checkout key after Temporal has forgotten its saga', () => {
  const stack = testStackForFile();

  const journal = async (posReference: string) =>
    (await request(stack.sandboxUrl).get('/_sandbox/journal').query({ reference: `demo:S1:T1:${posReference}` })).body.entries as unknown[];
  const isGone = (checkoutId: string) =>
    stack.temporal.workflow.getHandle(checkoutId).describe().then(() => false, (err: unknown) => err instanceof WorkflowNotFoundError);
  const auditRowCount = async (checkoutId: string) =>
    (await stack.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE checkout_id = $1`, [checkoutId]))[0].n as number;

  /** What retention does: the closed executions and their histories are gone from Temporal (the server takes some seconds). */
  async function forget(checkoutIds: string[]): Promise<void> {
    for (const workflowId of checkoutIds) {
      await stack.temporal.workflowService.deleteWorkflowExecution({ namespace: stack.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId } });
    }
    const allGone = () => Promise.all(checkoutIds.map(isGone));
    expect(await eventually(allGone, (gone) => gone.every(Boolean), { timeoutMs: 120_000, intervalMs: 500 })).toEqual(checkoutIds.map(() => true));
  }

  const completed = { posReference: uniquePosReference(), body: {} as Record<string, unknown>, answer: {} as Record<string, unknown> };
  const conflicting = { posReference: uniquePosReference(), answer: {} as Record<string, unknown> };
  const refused = { posReference: uniquePosReference(), body: {} as Record<string, unknown>, answer: {} as Record<string, unknown>, auditRows: 0 };
  const threeCalls = { posReference: uniquePosReference(), body: {} as Record<string, unknown>, answer: {} as Record<string, unknown> };
  const returned = { posReference: uniquePosReference(), body: {} as Record<string, unknown>, view: {} as Record<string, unknown>, sends: [] as unknown[] };

  beforeAll(async () => {
    completed.body = oneShotCheckoutBody(completed.posReference);
    completed.answer = (await stack.api().post('/v1/checkouts').send(completed.body).expect(201)).body;
    conflicting.answer = (await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(conflicting.posReference)).expect(201)).body;
    refused.body = oneShotCheckoutBody(refused.posReference, { customer: { provider: 'crmcom', identifier: { type: 'code', value: '00000000' } } });
    refused.answer = (await stack.api().post('/v1/checkouts').send(refused.body).expect(422)).body;
    threeCalls.body = { ...oneShotCheckoutBody(threeCalls.posReference), complete: false };
    const checkoutId = (await stack.api().post('/v1/checkouts').send(threeCalls.body).expect(201)).body.checkoutId as string;
    await stack.api().post(`/v1/checkouts/${checkoutId}/commit`).send({}).expect(200);
    threeCalls.answer = (await stack.api().post(`/v1/checkouts/${checkoutId}/complete`).send({}).expect(200)).body;
    expect([completed, conflicting, threeCalls].map((c) => c.answer.state)).toEqual(['completed', 'completed', 'completed']);
    // A sale with a partial return: its row moves on to partially_returned, and the sale stays ended.
    returned.body = oneShotCheckoutBody(returned.posReference);
    const returnedId = (await stack.api().post('/v1/checkouts').send(returned.body).expect(201)).body.checkoutId as string;
    await stack.api().post(`/v1/checkouts/${returnedId}/returns`).send({ returnReference: 'RET-1', amount: '1.00' }).expect(200);
    returned.view = (await stack.api().get(`/v1/checkouts/${returnedId}`).expect(200)).body;
    expect(returned.view.state).toBe('partially_returned');
    returned.sends = await journal(returned.posReference);
    expect(returned.sends.length).toBeGreaterThan(0);

    const checkoutIds = [completed, conflicting, refused, threeCalls].map((c) => c.answer.checkoutId as string).concat(returnedId);
    // Each ended sale's checkouts row holds the fingerprint of the request that started it.
    const rows: Array<{ request_hash: string | null }> = await stack.dataSource.query(`SELECT request_hash FROM checkouts WHERE id = ANY($1)`, [checkoutIds]);
    expect(rows.map((r) => r.request_hash)).toEqual(checkoutIds.map(() => expect.stringMatching(/^[0-9a-f]{64}$/)));
    refused.auditRows = await auditRowCount(refused.answer.checkoutId as string);
    await forget(checkoutIds);
  }, 240_000);

  it('a replay of a completed one-shot gets the stored answer, Idempotent-Replayed, and runs nothing', async () => {
    const again = await stack.api().post('/v1/checkouts').send(completed.body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(completed.answer);
    // One purchase, the first sale's; no saga was started for the replay.
    expect(await journal(completed.posReference)).toHaveLength(1);
    expect(await isGone(completed.answer.checkoutId as string)).toBe(true);
  });

  it('another body under the same key is 409 problem+json, starts nothing and leaves the first sale as it was', async () => {
    const lines = [{ sku: 'Sandwiches', quantity: 2, totalAmount: '20.00', netAmount: '16.00', vatAmount: '4.00' }];
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(conflicting.posReference, { lines })).expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, type: '/problems/idempotency-conflict', checkoutId: conflicting.answer.checkoutId });
    expect(await journal(conflicting.posReference)).toHaveLength(1);
    expect(await isGone(conflicting.answer.checkoutId as string)).toBe(true);
    expect((await stack.api().get(`/v1/checkouts/${conflicting.answer.checkoutId as string}`).expect(200)).body).toEqual(conflicting.answer);
  });

  it('a refused sale (422) is refused again the same way, without asking the vendor again', async () => {
    const again = await stack.api().post('/v1/checkouts').send(refused.body).expect(422);
    expect(again.body).toEqual(refused.answer);
    expect(await isGone(refused.answer.checkoutId as string)).toBe(true);
    expect(await auditRowCount(refused.answer.checkoutId as string)).toBe(refused.auditRows);
  });

  it('a three-call sale replayed at reserve gets its final answer', async () => {
    const again = await stack.api().post('/v1/checkouts').send(threeCalls.body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(threeCalls.answer);
    expect(await journal(threeCalls.posReference)).toHaveLength(1);
    expect(await isGone(threeCalls.answer.checkoutId as string)).toBe(true);
  });

  it('a replay of a sale with a return gets its view as it stands (partially returned), and sells nothing again', async () => {
    const again = await stack.api().post('/v1/checkouts').send(returned.body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(returned.view);
    expect(await journal(returned.posReference)).toEqual(returned.sends);
    expect(await isGone(returned.view.checkoutId as string)).toBe(true);
  });
});
