import request from 'supertest';
import { checkoutReference } from '../../workflows/checkout.contract';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { checkoutEffects, injectFault, journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * Capillary points redeemed before payment, at commit: only for an org that allows their reversal
 * (CAPILLARY_POINTS_REDEMPTION=before_payment needs CAPILLARY_POINTS_REVERSAL_ALLOWED=true, and the
 * org the setting Allow_points_redemption_reversal). The redemption is attached to the bill
 * (vendors.md §2: "The alternative is to redeem first and attach the redemption ids to
 * `transaction/add`") and undone by a reversal when the checkout does not go through.
 */
describe('Capillary points redeemed before payment (an org that allows reversal)', () => {
  const stack = testStackForFile(
    { CHECKOUT_HOLD_TIMEOUT_MS: '60000', CAPILLARY_POINTS_REDEMPTION: 'before_payment', CAPILLARY_POINTS_REVERSAL_ALLOWED: 'true' },
    { resetSandbox: true },
  );
  beforeEach(() => request(stack.sandboxUrl).put('/capillary/_sandbox/org-config').send({ allowPointsRedemptionReversal: true }).expect(200));

  const api = () => stack.api();
  const capillaryJournal = async (posReference: string) =>
    (await journalOf(stack.sandboxUrl, checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }), 'capillary')).map((e) => e.effect);

  it('redeems at commit, bills with the redemption attached, and reverses the points when a committed checkout is cancelled', async () => {
    const sold = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, sold)).expect(201);
    await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(200);
    expect(await capillaryJournal(sold)).toEqual(['points.redeem']);
    const completed = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/complete`).send({}).expect(200);
    expect(completed.body.receipt).toMatchObject({ pointsRedeemed: 100, references: { pointsRedemptionId: expect.any(String) }, exceptions: [] });
    expect(await capillaryJournal(sold)).toEqual(['points.redeem', 'transaction.add']);

    const undone = uniquePosReference();
    const again = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, undone)).expect(201);
    await api().post(`/v1/checkouts/${again.body.checkoutId}/commit`).send({}).expect(200);
    const cancelled = await api().post(`/v1/checkouts/${again.body.checkoutId}/cancel`).send().expect(200);
    expect(cancelled.body.state).toBe('cancelled');
    expect(cancelled.body.compensations.map((c: { outcome: string }) => c.outcome)).toEqual(['done', 'done', 'done']);
    expect(await capillaryJournal(undone)).toEqual(['points.redeem', 'points.reverse']);
  });

  it('compensates everything when the Capillary points redeem keeps failing at commit', async () => {
    const posReference = uniquePosReference();
    const reserved = await api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    await injectFault(stack.sandboxUrl, { path: '/capillary/v1.1/points/redeem', kind: 'status', status: 503 });
    const res = await api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(502);

    expect(res.body).toMatchObject({ state: 'compensated', failureReason: expect.stringContaining('commit failed') });
    const counts = await checkoutEffects(stack.sandboxUrl, posReference);
    expect(counts['coupontools:coupon.unlock']).toBe(1);
    expect(counts['crmcom:purchase.create'] ?? 0).toBe(counts['crmcom:purchase.cancel'] ?? 0);
    expect(counts['capillary:points.redeem'] ?? 0).toBe(counts['capillary:points.reverse'] ?? 0);
    expect(Object.values(counts).every((n) => n <= 1)).toBe(true);
  }, 90_000);
});
