import type { CheckoutQuote, CouponQuote, CheckoutInput } from './checkout.contract';
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
  const { input, ref } = s;
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

  const preview = s.loyaltyPreview;
  // Back-end reduction: CRM.COM redeems, not the till, so nothing may be asked to spend here (and the
  // commit then sends no spend request). Data only: the same commands, whatever the method.
  const tillRedeems = preview?.reductionMethod !== 'back_end';
  const maxSpendMinor = preview && s.loyaltyCustomer && tillRedeems ? Math.min(preview.maxAdditionalSpendMinor, s.loyaltyCustomer.walletBalanceMinor) : 0;
  return {
    checkoutId: ref.checkoutId,
    state: 'reserved',
    currency: ref.currency,
    totalMinor: input.totalMinor,
    ...(preview &&
      s.loyaltyCustomer && {
        loyalty: {
          walletBalanceMinor: s.loyaltyCustomer.walletBalanceMinor,
          expectedAwardMinor: preview.awardMinor,
          automaticSpendMinor: preview.automaticSpendMinor,
          maxSpendMinor,
          requestedSpendMinor: Math.min(input.spend?.amountMinor ?? 0, maxSpendMinor),
          ...(preview.reductionMethod && { reductionMethod: preview.reductionMethod }),
        },
      }),
    ...(input.points && {
      points: {
        points: input.points.points,
        valueMinor: s.pointsValueMinor,
        accepted: s.pointsAccepted,
        ...(s.pointsRefusal && { refusal: s.pointsRefusal }),
      },
    }),
    coupons: s.coupons,
    holdExpiresAt,
  };
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
    return { ...coupon, accepted: false, refusal };
  }
  if (!lookup.redeemable) {
    return { ...coupon, accepted: false, refusal: { vendor: coupon.provider, code: lookup.refusal?.code ?? 'NOT_REDEEMABLE', reason: lookup.refusal?.reason ?? 'This coupon cannot be used' } };
  }
  // A coupon the till cannot discount (value 0 or unknown) is not used: never held, validated or redeemed.
  if (!((lookup.valueMinor ?? 0) > 0) && isPatched(Patches.couponWithoutValue)) {
    return { ...coupon, accepted: false, refusal: { vendor: coupon.provider, code: 'NO_DISCOUNT_VALUE', reason: 'This coupon carries no discount value the till can apply, so it is not used.' } };
  }
  const undo = `release coupon ${coupon.provider}:${coupon.code}`;
  s.compensations.push(undo, () => compensation.releaseCoupon(s.ref, coupon.provider, coupon.code));
  try {
    await beforePayment.holdCoupon(s.ref, coupon.provider, coupon.code);
  } catch (err) {
    const refusal = asRefusal(err);
    if (!refusal) throw err;
    s.compensations.discard(undo);
    return { ...coupon, accepted: false, refusal };
  }
  return { ...coupon, accepted: true, ...(lookup.valueMinor !== undefined && { valueMinor: lookup.valueMinor }) };
}

export function loyaltyPurchase(input: CheckoutInput) {
  return { performedOn: input.performedOn, externalSystem: input.till, lines: input.lines };
}

