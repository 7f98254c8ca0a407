import { capillaryBillNumberOf, checkoutReference, type CheckoutRef, type CouponProvider } from '../workflows/checkout.contract';
import { checkoutStepContext, type StepDeps } from './activity-scope';
import type { CouponCapability, CouponLookup, CouponRedemption, CouponSale, CustomerIdentifier } from './vendors/capabilities';

/**
 * Coupon steps, for whichever vendor issued the coupon. References name the checkout and the code;
 * a Capillary coupon is redeemed on its bill, so its reference starts with the bill number.
 */
export function createCouponActivities({ coupons, ...deps }: { coupons: Record<CouponProvider, CouponCapability> } & StepDeps) {
  const ctx = (ref: CheckoutRef, step: string, code: string, provider: CouponProvider) =>
    checkoutStepContext(deps, ref, step, `${provider === 'capillary' ? capillaryBillNumberOf(ref) : checkoutReference(ref)}:${code}`);
  return {
    async lookUpCoupon(ref: CheckoutRef, provider: CouponProvider, code: string, customer?: CustomerIdentifier, billAmountMinor?: number): Promise<CouponLookup> {
      return coupons[provider].lookUp(ctx(ref, 'coupon lookup', code, provider), code, customer, billAmountMinor);
    },

    async holdCoupon(ref: CheckoutRef, provider: CouponProvider, code: string): Promise<{ held: boolean }> {
      return coupons[provider].hold(ctx(ref, 'coupon hold', code, provider), code);
    },

    async releaseCoupon(ref: CheckoutRef, provider: CouponProvider, code: string): Promise<void> {
      return coupons[provider].release(ctx(ref, 'coupon release', code, provider), code);
    },

    async redeemCoupon(
      ref: CheckoutRef,
      provider: CouponProvider,
      code: string,
      sale: CouponSale,
    ): Promise<CouponRedemption> {
      return coupons[provider].redeem(ctx(ref, 'coupon redeem', code, provider), code, sale);
    },
  };
}
