import { referenceCheckoutBody } from '../support/checkout-requests';
import { checkoutViewIn } from '../support/checkout-view';
import { checkoutEffects, REFERENCE_COMMITTED_THEN_UNDONE } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/** A till that goes quiet: held coupons and committed effects are given back when the hold runs out. */
describe('checkout hold expiry', () => {
  const stack = testStackForFile({ CHECKOUT_HOLD_TIMEOUT_MS: '2000' });

  it('expires a reserved checkout nobody commits and unlocks its coupon', async () => {
    const posReference = uniquePosReference('EXP');
    const reserved = await stack.api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    const view = await checkoutViewIn(stack, reserved.body.checkoutId, 'expired', { intervalMs: 250 });

    expect(view.failureReason).toContain('no call from the POS');
    expect(await checkoutEffects(stack.sandboxUrl, posReference)).toEqual({
      'coupontools:coupon.lock': 1,
      'coupontools:coupon.unlock': 1,
    });
    await stack.api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(409);
  }, 60_000);

  it('expires a committed checkout nobody completes and undoes the purchase and spend once each (points are redeemed only after payment)', async () => {
    const posReference = uniquePosReference('EXP');
    const reserved = await stack.api().post('/v1/checkouts').send(await referenceCheckoutBody(stack.sandboxUrl, posReference)).expect(201);
    await stack.api().post(`/v1/checkouts/${reserved.body.checkoutId}/commit`).send({}).expect(200);
    await checkoutViewIn(stack, reserved.body.checkoutId, 'expired', { intervalMs: 250 });

    expect(await checkoutEffects(stack.sandboxUrl, posReference)).toEqual(REFERENCE_COMMITTED_THEN_UNDONE);
  }, 60_000);
});
