import type { CheckoutQuote, CouponQuote, CheckoutInput } from './checkout.contract';
import { askedCoupon, couponAfterLookup, heldCoupon, quoteOf } from './phase-answers';
import { beforePayment, compensation } from './activity-options';
import { asRefusal, rejectCheckout } from './failures';
import type { SagaState } from './saga-state';
import { Patches, isPatched } from './workflow-patches';

/**
 * Reserve: identify and preview at CRM.COM, check points at Capillary, look up and hold each coupon,
 * all in parallel. Nothing is spent yet; the only effects are coupon holds, whose release is
 * registered before each hold. A refused coupon or points check is part of the quote; an unknown
 * CRM.COM customer refuses the whole checkout.
 */
export async function reserve(s: SagaState, holdExpiresAt: string): Promise<CheckoutQuote> {
  const { input } = s;
  const results = await Promise.allSettled([
    reserveLoyalty(s),
    reservePoints(s),
    ...input.coupons.map((coupon) => reserveCoupon(s, coupon)),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    const refusal = asRefusal(failed.reason);
    throw refusal ? rejectCheckout('identify', refusal) : failed.reason;
  }
  s.coupons = results.slice(2).map((r) => (r as PromiseFulfilledResult<CouponQuote>).value);
  return quoteOf(s, holdExpiresAt);
}

async function reserveLoyalty(s: SagaState): Promise<void> {
  const customer = s.input.customer;
  if (!customer) return;
  s.loyaltyCustomer = await beforePayment.identifyCustomer(s.ref, customer.identifier);
  s.loyaltyPreview = await beforePayment.previewLoyalty(s.ref, s.loyaltyCustomer, loyaltyPurchase(s.input));
}

async function reservePoints(s: SagaState): Promise<void> {
  const points = s.input.points;
  if (!points) return;
  try {
    s.pointsCustomer = await beforePayment.findPointsCustomer(s.ref, points.customer);
    const check = await beforePayment.checkPoints(s.ref, s.pointsCustomer, points.points);
    s.pointsAccepted = check.redeemable;
    s.pointsValueMinor = check.redeemable ? check.valueMinor : 0;
    if (check.refusal) s.pointsRefusal = { vendor: points.provider, ...check.refusal };
  } catch (err) {
    const refusal = asRefusal(err);
    if (!refusal) throw err;
    s.pointsAccepted = false;
    s.pointsRefusal = refusal;
  }
}

async function reserveCoupon(s: SagaState, coupon: { provider: CouponQuote['provider']; code: string }): Promise<CouponQuote> {
  const customer = s.input.points?.customer;
  let lookup;
  try {
    lookup = await beforePayment.lookUpCoupon(s.ref, coupon.provider, coupon.code, customer, s.input.totalMinor);
  } catch (err) {
    const refusal = asRefusal(err);
    if (!refusal) throw err;
    return { ...askedCoupon(coupon), accepted: false, refusal };
  }
  const decided = couponAfterLookup(coupon, lookup, () => isPatched(Patches.couponWithoutValue));
  if (decided !== 'hold') return decided;
  const undo = `release coupon ${coupon.provider}:${coupon.code}`;
  s.compensations.push(undo, () => compensation.releaseCoupon(s.ref, coupon.provider, coupon.code));
  try {
    await beforePayment.holdCoupon(s.ref, coupon.provider, coupon.code);
  } catch (err) {
    const refusal = asRefusal(err);
    if (!refusal) throw err;
    s.compensations.discard(undo);
    return { ...askedCoupon(coupon), accepted: false, refusal };
  }
  return heldCoupon(coupon, lookup);
}

export function loyaltyPurchase(input: CheckoutInput) {
  // The spend's secrets ride with the purchase (data only: the same commands, so no patch).
  const { otp, passCode } = input.spend ?? {};
  return {
    performedOn: input.performedOn,
    externalSystem: input.till,
    lines: input.lines,
    ...(otp !== undefined && { spendOtp: otp }),
    ...(passCode !== undefined && { spendPassCode: passCode }),
    // Decided once, when the sale started: the preview and the purchase read the same method.
    ...(input.crmcomReduction && { reductionMethod: input.crmcomReduction }),
  };
}

