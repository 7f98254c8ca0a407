import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/** HTTP into the API -> real Temporal dev server -> worker -> sandbox over HTTP -> Postgres. */
describe('POST /v1/checkouts (one-shot, CRM.COM)', () => {
  const stack = testStackForFile({}, { resetSandbox: true });

  const journal = async (reference: string) =>
    (await request(stack.sandboxUrl).get('/_sandbox/journal').query({ reference })).body.entries as Array<{
      effect: string;
      vendorReference: string;
    }>;
  const auditRows = (checkoutId: string) =>
    stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId }, order: { id: 'ASC' } });

  it('identifies the customer, submits the purchase and answers 201 with the receipt', async () => {
    const posReference = uniquePosReference();
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);

    const checkoutId = `checkout:demo:S1:T1:${posReference}`;
    expect(res.headers['idempotent-replayed']).toBe('false');
    expect(res.body).toMatchObject({
      checkoutId,
      state: 'completed',
      receipt: {
        currency: 'EUR',
        total: '10.00',
        amountDue: '10.00',
        awarded: '0.10', // the sandbox's offer: 1 % of 10.00
        spent: '0.00',
        walletBalanceBefore: '10.00', // the vendor document's seeded wallet
        walletBalanceAfter: '10.10',
        references: { crmcomPurchaseNumber: expect.stringMatching(/^\d+$/) },
        exceptions: [],
      },
    });

    const effects = await journal(`demo:S1:T1:${posReference}`);
    expect(effects).toEqual([
      expect.objectContaining({ effect: 'purchase.create', vendorReference: res.body.receipt.references.crmcomPurchaseNumber }),
    ]);

    const rows = await auditRows(checkoutId);
    expect(rows.map((r) => [r.kind, r.step, r.operation ?? r.outcome, r.outcome])).toEqual([
      ['vendor_call', 'identify', 'rewards_participants.show', 'success'],
      ['vendor_call', 'preview', 'purchases.preview', 'success'],
      ['transition', 'reserve', 'reserved', 'reserved'],
      ['vendor_call', 'purchase', 'purchases.create', 'success'],
      ['transition', 'commit', 'committed', 'committed'],
      ['transition', 'complete', 'completed', 'completed'],
    ]);
    const purchaseRow = rows[3];
    expect(purchaseRow).toMatchObject({
      vendor: 'crmcom',
      httpStatus: 200,
      amountMinor: 10,
      currency: 'EUR',
      vendorReference: res.body.receipt.references.crmcomPurchaseNumber,
      store: 'S1',
      till: 'T1',
      merchant: 'demo',
      attempt: 1,
    });
    expect(purchaseRow.latencyMs).toBeGreaterThanOrEqual(0);
    // Neither the customer's code nor the session token may reach the audit trail.
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('22265577');
    expect(stored).not.toMatch(/"token":"(?!\[redacted\])/);

    const view = await stack.api().get(`/v1/checkouts/${checkoutId}`).expect(200);
    expect(view.body).toEqual(res.body);
  });

  it('answers a retried request with the same response and Idempotent-Replayed, without a second purchase', async () => {
    const posReference = uniquePosReference();
    const body = oneShotCheckoutBody(posReference);
    const first = await stack.api().post('/v1/checkouts').send(body).expect(201);
    const again = await stack.api().post('/v1/checkouts').send(body).expect(201);

    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await journal(`demo:S1:T1:${posReference}`)).toHaveLength(1);
  });

  it('refuses the same checkout key with a different body with 409 problem+json', async () => {
    const posReference = uniquePosReference();
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);
    const lines = [{ sku: 'Sandwiches', quantity: 2, totalAmount: '20.00', netAmount: '16.00', vatAmount: '4.00' }];
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { lines })).expect(409);

    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, type: '/problems/idempotency-conflict' });
    expect(await journal(`demo:S1:T1:${posReference}`)).toHaveLength(1);
  });

  it('answers 422 with a cashier-readable reason when CRM.COM does not know the customer', async () => {
    const posReference = uniquePosReference();
    const body = oneShotCheckoutBody(posReference, { customer: { provider: 'crmcom', identifier: { type: 'code', value: '00000000' } } });
    const res = await stack.api().post('/v1/checkouts').send(body).expect(422);

    expect(res.body).toMatchObject({
      checkoutId: `checkout:demo:S1:T1:${posReference}`,
      state: 'compensated',
      rejection: { step: 'identify', vendor: 'crmcom', code: 'NotFoundAPIValueException', reason: 'Rewards participant not found' },
    });
    expect(await journal(`demo:S1:T1:${posReference}`)).toHaveLength(0);
    const rows = await auditRows(res.body.checkoutId);
    expect(rows.map((r) => [r.kind, r.outcome])).toEqual([
      ['vendor_call', 'rejected'],
      ['transition', 'compensated'],
    ]);
    expect(rows[0].errorCode).toBe('NotFoundAPIValueException');
  });

  it('refuses a malformed request with 400 problem+json naming each field, and starts no saga', async () => {
    const posReference = uniquePosReference();
    const body = oneShotCheckoutBody(posReference, {
      currency: 'EURO',
      lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '10.001', netAmount: '8.00', vatAmount: '2.00' }],
    });
    const res = await stack.api().post('/v1/checkouts').send(body).expect(400);

    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'currency', message: expect.any(String) }]);

    const badAmount = await stack.api()
      .post('/v1/checkouts')
      .send(oneShotCheckoutBody(posReference, { lines: [{ sku: 'X', quantity: 1, totalAmount: '10.001', netAmount: '8', vatAmount: '2' }] }))
      .expect(400);
    expect(badAmount.body.errors).toEqual([{ field: 'lines[0].totalAmount', message: expect.stringContaining('decimal places') }]);

    await expect(stack.temporal.workflow.getHandle(`checkout:demo:S1:T1:${posReference}`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });

  it('refuses to update or delete audit rows: the trail is append-only in the database itself', async () => {
    const posReference = uniquePosReference();
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);
    const [row] = await auditRows(res.body.checkoutId);

    await expect(stack.dataSource.query(`UPDATE audit_events SET outcome = 'x' WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(stack.dataSource.query(`DELETE FROM audit_events WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
  });
});
