import { oneShotCheckoutBody } from '../support/checkout-requests';
import { journalOf } from '../support/journal';
import { holdsToken, mintOtp, storedRowsOf } from '../support/stored-secrets';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * CRM.COM back-office "Back-End Purchase" (CRMCOM_REDUCTION=back_end), through the API, Temporal,
 * Postgres and the sandbox: "the purchase transaction is closed and contact pays the full purchase
 * amount", and "In the event where any spends were made, CRM.COM will return such amount of money
 * back to the contact's preferred payment method". So the till deducts nothing, and the spend shows
 * on the receipt as paid out by CRM.COM (and on the wallet), never twice.
 */
describe('checkout with a CRM.COM back-office back-end purchase', () => {
  const stack = testStackForFile({ CRMCOM_API: 'backoffice', CRMCOM_REDUCTION: 'back_end' }, { resetSandbox: true });
  const api = () => stack.api();
  const effects = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`, 'crmcom')).map((e) => `${e.effect} ${e.amount ?? ''}`.trim());

  it('submits the purchase BACK_END with the spend request: the customer pays in full, CRM.COM pays the spend out', async () => {
    const posReference = uniquePosReference('BEP');
    const body = oneShotCheckoutBody(posReference, { spend: { amount: '4.00' }, complete: false });
    const reserved = await api().post('/v1/checkouts').send(body).expect(201);
    expect(reserved.body.quote.loyalty).toMatchObject({ reductionMethod: 'back_end', maxSpend: '10.00', requestedSpend: '4.00' });

    const committed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(200);
    expect(committed.body.commitment).toMatchObject({
      discounts: { spend: '0.00', automaticSpend: '0.00' },
      amountDue: '10.00',
      refusals: [],
      loyalty: { reductionMethod: 'back_end', backEndSpend: '4.00' },
    });
    // Not posted before payment: CRM.COM pays the spend out on submit, so the purchase waits for complete.
    expect(await effects(posReference)).toEqual([]);
    const completed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/complete`).send({ tender: { paid: '10.00', method: 'card' } }).expect(200);
    expect(completed.body.receipt).toMatchObject({
      total: '10.00',
      amountDue: '10.00',
      paid: '10.00',
      awarded: '0.10',
      spent: '4.00',
      crmcomPaidOut: { spend: '4.00' },
      walletBalanceBefore: '10.00',
      walletBalanceAfter: '6.10',
    });
    // One purchase, its spend paid out by CRM.COM (not deducted at the till as well).
    expect(await effects(posReference)).toEqual(['purchase.create 0.10', 'spend.payout 4.00']);
  }, 60_000);

  it("the OTP flow's main path: a back-end purchase with the contact's OTP, paid out; the token is not stored in clear", async () => {
    const otp = await mintOtp(stack);
    const posReference = uniquePosReference('BEOTP');
    const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { spend: { amount: '3.00', otp } })).expect(201);
    expect(res.body.commitment).toMatchObject({ amountDue: '10.00', loyalty: { reductionMethod: 'back_end', backEndSpend: '3.00' } });
    expect(res.body.receipt).toMatchObject({ amountDue: '10.00', spent: '3.00', crmcomPaidOut: { spend: '3.00' } });
    expect(await effects(posReference)).toEqual(['purchase.create 0.10', 'spend.payout 3.00']);
    expect(holdsToken(await storedRowsOf(stack, res.body.checkoutId as string), otp)).toBe(false);
  }, 60_000);

  it('a back-end sale cancelled before payment has posted nothing at CRM.COM (no payout to claw back)', async () => {
    const posReference = uniquePosReference('BEC');
    const reserved = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { spend: { amount: '4.00' }, complete: false })).expect(201);
    const id = reserved.body.checkoutId as string;
    await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    const cancelled = await api().post(`/v1/checkouts/${id}/cancel`).send({}).expect(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(cancelled.body.compensations).toEqual([]);
    expect(await effects(posReference)).toEqual([]);
    const posts = (await stack.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE checkout_id = $1 AND operation LIKE 'purchases.%'`, [id])) as Array<{ n: number }>;
    expect(posts[0].n).toBe(0);
  }, 60_000);

  it('a void of a paid-out back-end sale cancels the purchase and tells finance the payout may not be reversed', async () => {
    const posReference = uniquePosReference('BEV');
    const sale = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { spend: { amount: '4.00' } })).expect(201);
    expect(sale.body.receipt).toMatchObject({ crmcomPaidOut: { spend: '4.00' } });
    const voided = await api().post(`/v1/checkouts/${sale.body.checkoutId}/void`).send({}).expect(200);
    expect(voided.body.void.exceptions).toEqual([
      { vendor: 'crmcom', code: 'BACK_END_PAYOUT_NOT_REVERSED', reason: expect.stringContaining('400 EUR minor units') },
    ]);
    expect(await effects(posReference)).toEqual(['purchase.create 0.10', 'spend.payout 4.00', 'spend.cancel 4.00', 'purchase.cancel 0.10']);
    // The store's own day (its zone may already be tomorrow in UTC terms).
    const [{ date }] = (await stack.dataSource.query(
      `SELECT to_char(now() AT TIME ZONE time_zone, 'YYYY-MM-DD') AS date FROM stores WHERE merchant = 'demo' AND store = 'S1'`,
    )) as Array<{ date: string }>;
    const report = (await stack.api(stack.keys.finance).get('/v1/reports/reconciliation').query({ date, store: 'S1' }).expect(200)).body as {
      exceptions: Array<{ checkoutId: string; code: string; kind: string }>;
    };
    expect(report.exceptions.filter((x) => x.checkoutId === sale.body.checkoutId && x.kind !== 'amount_mismatch')).toEqual([
      expect.objectContaining({ kind: 'void_incomplete', vendor: 'crmcom', code: 'BACK_END_PAYOUT_NOT_REVERSED', figures: { paidOutMinor: 400 } }),
    ]);
  }, 60_000);

  it('a back-end purchase without a spend pays nothing out and says nothing of a payout', async () => {
    const posReference = uniquePosReference('BE0');
    const res = await api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference)).expect(201);
    expect(res.body.receipt).toMatchObject({ amountDue: '10.00', spent: '0.00', awarded: '0.10' });
    expect(res.body.receipt).not.toHaveProperty('crmcomPaidOut');
    expect(await effects(posReference)).toEqual(['purchase.create 0.10']);
  }, 60_000);
});
