import { createHash } from 'node:crypto';
import request from 'supertest';
import { CAPILLARY_SANDBOX_CUSTOMER, CAPILLARY_SANDBOX_COUPONS, CAPILLARY_SANDBOX_TILL } from '../../src/sandbox/capillary-sandbox-org';
import { checkoutReference } from '../../workflows/checkout.contract';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault, journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Capillary in the order of its POS guide (vendor-docs/capillary-pos-integration.md), through the
 * API against the sandbox over HTTP, with the default configuration (CAPILLARY_POINTS_REDEMPTION
 * after_bill) and the sandbox org as a real one is until a ticket says otherwise: without
 * Allow_points_redemption_reversal. "Points": "apply the redeeming value on the transaction and
 * commit the transaction into the POS. Consume transaction/add API and on success consume
 * point/redeem API"; "Coupons": "After committing the transaction, consume transaction/add API and
 * on success consume coupon/redeem API". The sandbox journal is Capillary's side, in the order the
 * effects landed.
 */
describe('Capillary in the POS guide\'s order', () => {
  const stack = testStackForFile({ CHECKOUT_HOLD_TIMEOUT_MS: '60000' }, { resetSandbox: true });

  const api = () => stack.api();
  const capillaryJournal = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).map((e) => e.effect);
  const till = `Basic ${Buffer.from(`${CAPILLARY_SANDBOX_TILL.code}:${createHash('md5').update(CAPILLARY_SANDBOX_TILL.password).digest('hex')}`).toString('base64')}`;
  /** The customer's points at Capillary, as customer/get shows them. */
  const pointsBalance = async () => {
    const res = await request(stack.sandboxUrl)
      .get('/capillary/v1.1/customer/get')
      .query({ format: 'json', mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile })
      .set('authorization', till)
      .expect(200);
    return Number(res.body.customers.customer.loyalty_points);
  };

  it('applies the checked points value at commit, and redeems them after payment, after the bill succeeded', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const id = reserved.body.checkoutId as string;

    const committed = await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    // The till applies the value isredeemable approved at reserve; nothing is redeemed yet.
    expect(committed.body.commitment).toMatchObject({ discounts: { points: '1.00' }, amountDue: '59.00' });
    expect(await capillaryJournal(posReference)).toEqual([]);
    expect(await pointsBalance()).toBe(CAPILLARY_SANDBOX_CUSTOMER.points);

    const completed = await api().post(`/v1/checkouts/${id}/complete`).send({ tender: { paid: '59.00', method: 'card' } }).expect(200);
    expect(completed.body).toMatchObject({
      state: 'completed',
      receipt: {
        pointsRedeemed: 100,
        pointsValue: '1.00',
        references: { pointsRedemptionId: expect.any(String), capillaryTransactionId: expect.any(String) },
        exceptions: [],
      },
    });
    expect(await capillaryJournal(posReference)).toEqual(['transaction.add', 'points.redeem']);
  });

  it('leaves the customer\'s points untouched when a committed checkout is cancelled on an org without reversal', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const id = reserved.body.checkoutId as string;
    await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);

    const cancelled = await api().post(`/v1/checkouts/${id}/cancel`).send().expect(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled' });
    expect(cancelled.body.failureReason).toBeUndefined();
    expect(cancelled.body.compensations.every((c: { outcome: string }) => c.outcome === 'done')).toBe(true);
    expect(await capillaryJournal(posReference)).toEqual([]);
    expect(await pointsBalance()).toBe(CAPILLARY_SANDBOX_CUSTOMER.points);
  });

  it('redeems a Capillary coupon after the bill succeeded', async () => {
    const posReference = uniquePosReference();
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, {
      complete: true,
      coupons: [{ provider: 'capillary', code: CAPILLARY_SANDBOX_COUPONS.redeemable }],
    });
    // A slow bill: redemptions sent alongside it (rather than after it) would land first.
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/transaction/add', kind: 'latency', latencyMs: 500, times: 1 });
    const completed = await api().post('/v1/checkouts').send(body).expect(201);
    expect(completed.body).toMatchObject({
      state: 'completed',
      receipt: { coupons: [expect.objectContaining({ provider: 'capillary', redemptionId: expect.any(String) })], exceptions: [] },
    });
    const journal = await capillaryJournal(posReference);
    expect(journal.indexOf('transaction.add')).toBe(0);
    expect(journal.slice(1).sort()).toEqual(['coupon.redeem', 'points.redeem']);
  });

  it('records a redemption Capillary refuses after payment as an exception on the receipt; the sale stands', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const id = reserved.body.checkoutId as string;
    await api().post(`/v1/checkouts/${id}/commit`).send({}).expect(200);
    // The customer spent the points elsewhere between the till's check and the payment.
    await request(stack.sandboxUrl).post('/_sandbox/balances').send({ capillary: { mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile, points: 0 } }).expect(200);

    const completed = await api().post(`/v1/checkouts/${id}/complete`).send({}).expect(200);
    expect(completed.body).toMatchObject({ state: 'completed', receipt: { amountDue: '59.00', pointsRedeemed: 0 } });
    expect(completed.body.receipt.exceptions).toEqual([expect.objectContaining({ vendor: 'capillary', code: '803' })]);
    expect(await capillaryJournal(posReference)).toEqual(['transaction.add']);
  });
});
