import { AuditEvent } from '../../core/audit/audit-event.entity';
import { referenceCheckoutBody } from '../support/checkout-requests';
import request from 'supertest';
import { checkoutReference } from '../../workflows/checkout.contract';
import { checkoutEffects, journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Void of a completed checkout through the API, against the real dev server, Postgres and every
 * vendor's sandbox over HTTP: each effect of the sale undone exactly once, Coupontools validation
 * reported as non-compensable, and a second void answering the same without touching a vendor.
 */
describe('checkout void', () => {
  const stack = testStackForFile({ CHECKOUT_HOLD_TIMEOUT_MS: '60000' }, { resetSandbox: true });
  // An org that raised the ticket for Allow_points_redemption_reversal (the sandbox's default is off, as at a real org).
  const allowPointsReversal = (allow: boolean) =>
    request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ allowPointsRedemptionReversal: allow }).expect(200);
  beforeEach(() => allowPointsReversal(true));

  const api = () => stack.api();
  const effects = (posReference: string) => checkoutEffects(stack.sandboxUrl, posReference);

  it('undoes every effect of the reference checkout once, reports Coupontools as non-compensable, and answers a second void the same', async () => {
    const posReference = uniquePosReference();
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true });
    const coupon = (body.coupons as Array<{ code: string }>)[0].code;
    const completed = await api().post('/v1/checkouts').send(body).expect(201);
    expect(completed.body.state).toBe('completed');
    const id = completed.body.checkoutId as string;

    const voided = await api().post(`/v1/checkouts/${id}/void`).send().expect(200);
    expect(voided.body).toMatchObject({
      checkoutId: id,
      state: 'voided',
      receipt: { total: '70.00', amountDue: '59.00' },
      void: {
        nonCompensable: [{ vendor: 'coupontools', code: coupon }],
        references: { cmcRefundTransactionId: expect.any(String), capillaryReturnTransactionId: expect.any(String) },
      },
    });
    // The only exception is the Coupontools validation: every other vendor undid its effect.
    expect(voided.body.void.exceptions).toEqual([expect.objectContaining({ vendor: 'coupontools', code: 'NON_COMPENSABLE' })]);

    const expected = {
      'crmcom:purchase.create': 1,
      'crmcom:spend.create': 1,
      'crmcom:spend.cancel': 1,
      'crmcom:purchase.cancel': 1,
      'capillary:points.redeem': 1,
      'capillary:points.reverse': 1,
      'capillary:transaction.add': 1,
      'capillary:transaction.return': 1,
      'coupontools:coupon.lock': 1,
      'coupontools:coupon.validate': 1,
      'cmc:posttender.transaction': 1,
      'cmc:posttender.refund': 1,
    };
    expect(await effects(posReference)).toEqual(expected);

    const shown = await api().get(`/v1/checkouts/${id}`).expect(200);
    expect(shown.body).toEqual(voided.body);

    // A second void answers the first result and applies nothing new.
    const again = await api().post(`/v1/checkouts/${id}/void`).send().expect(200);
    expect(again.body).toEqual(voided.body);
    expect(await effects(posReference)).toEqual(expected);

    const transitions = await stack.dataSource.getRepository(AuditEvent).find({ where: { checkoutId: id, kind: 'transition' }, order: { id: 'ASC' } });
    expect(transitions.map((r) => r.outcome)).toEqual(['reserved', 'committed', 'completed', 'voided']);
  });

  it('reactivates a Capillary coupon redeemed at complete, once', async () => {
    const posReference = uniquePosReference();
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, {
      complete: true,
      coupons: [{ provider: 'capillary', code: '06000041' }],
    });
    const completed = await api().post('/v1/checkouts').send(body).expect(201);
    expect(completed.body.receipt.coupons).toEqual([expect.objectContaining({ provider: 'capillary', code: '06000041', redemptionId: expect.any(String) })]);

    const voided = await api().post(`/v1/checkouts/${completed.body.checkoutId}/void`).send().expect(200);
    expect(voided.body.void.exceptions).toEqual([]);
    const counts = await effects(posReference);
    expect(counts['capillary:coupon.redeem']).toBe(1);
    expect(counts['capillary:coupon.reactivate']).toBe(1);
  });

  it('reverses the points before it returns the bill they were redeemed on (vendors.md: "Reverse before returning the bill")', async () => {
    const posReference = uniquePosReference();
    const completed = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true })).expect(201);
    await api().post(`/v1/checkouts/${completed.body.checkoutId}/void`).send().expect(200);

    const capillary = await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary');
    expect(capillary.map((e) => e.effect)).toEqual(['transaction.add', 'points.redeem', 'points.reverse', 'transaction.return']);
  });

  it('on an org without points reversal, voids all the same with the refused reversal as an exception for finance', async () => {
    await allowPointsReversal(false);
    const posReference = uniquePosReference();
    const completed = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true })).expect(201);
    const voided = await api().post(`/v1/checkouts/${completed.body.checkoutId}/void`).send().expect(200);

    expect(voided.body.state).toBe('voided');
    expect(voided.body.void.exceptions).toEqual(
      expect.arrayContaining([expect.objectContaining({ vendor: 'capillary', code: '4101', reason: expect.stringContaining('disabled') })]),
    );
    const counts = await effects(posReference);
    expect(counts['capillary:points.reverse']).toBeUndefined();
    expect(counts['capillary:transaction.return']).toBe(1);
  });

  it('refuses to void a checkout that is not completed (409) or unknown (404)', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    expect(reserved.body.state).toBe('reserved');
    const id = reserved.body.checkoutId as string;

    const refused = await api().post(`/v1/checkouts/${id}/void`).send().expect(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 409, type: '/problems/invalid-checkout-state' });
    await api().post(`/v1/checkouts/checkout:demo:S1:T1:${uniquePosReference()}/void`).send().expect(404);

    await api().post(`/v1/checkouts/${id}/cancel`).send().expect(200);
    await api().post(`/v1/checkouts/${id}/void`).send().expect(409);
    expect((await effects(posReference))['cmc:posttender.refund']).toBeUndefined();
  });
});
