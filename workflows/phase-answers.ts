import type { CheckoutCommitment, CheckoutQuote, CheckoutReceipt, CouponQuote, Refusal } from './checkout.contract';
import type { CouponLookup } from '../activities/vendors/capabilities';
import type { SagaState } from './saga-state';

/**
 * The answers of the phases, built from what the saga knows: pure, so both checkout workflow types
 * (v1's chained phases and v2's local-activity levels) answer the till in exactly the same words.
 */

/** The reserve's answer: what the customer may spend and which coupons and points were accepted. */
export function quoteOf(s: SagaState, holdExpiresAt: string): CheckoutQuote {
  const { input, ref } = s;
  const preview = s.loyaltyPreview;
  // Back-end reduction: CRM.COM redeems, not the till, so nothing may be asked to spend here (and the
  // commit then sends no spend request). Data only: the same commands, whatever the method.
  // The back-office API's back-end purchase takes a spend request all the same (its guide's Back-End
  // Purchase: "submits a purchase to be awarded with an optional spend"): asked here, paid out by CRM.COM.
  const tillRedeems = preview?.reductionMethod !== 'back_end' || preview.spendRequestOnBackEnd === true;
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
    ...unavailableOf(s),
  };
}

/** The vendors left out of the sale so far because they did not answer in time, when there are any. */
function unavailableOf(s: SagaState): { unavailable?: string[] } {
  return s.unavailable.size > 0 ? { unavailable: [...s.unavailable].sort() } : {};
}

type CouponAsked = { provider: CouponQuote['provider']; code: string };

/**
 * The coupon as its quote names it: provider and code only. A coupon asked with its Capillary
 * validation code (an OTP) keeps the code in the saga's input; the quote, the view and the projection
 * never show it.
 */
export function askedCoupon(coupon: CouponAsked): CouponAsked {
  return { provider: coupon.provider, code: coupon.code };
}

/**
 * What a coupon's lookup decides: refused (not redeemable, or no value the till can discount, which
 * `refuseWithoutValue` guards for v1 sagas recorded before that rule), or to be held.
 */
export function couponAfterLookup(coupon: CouponAsked, lookup: CouponLookup, refuseWithoutValue: () => boolean): CouponQuote | 'hold' {
  if (!lookup.redeemable) {
    return { ...askedCoupon(coupon), accepted: false, refusal: { vendor: coupon.provider, code: lookup.refusal?.code ?? 'NOT_REDEEMABLE', reason: lookup.refusal?.reason ?? 'This coupon cannot be used' } };
  }
  // A coupon the till cannot discount (value 0 or unknown) is not used: never held, validated or redeemed.
  if (!((lookup.valueMinor ?? 0) > 0) && refuseWithoutValue()) {
    return { ...askedCoupon(coupon), accepted: false, refusal: { vendor: coupon.provider, code: 'NO_DISCOUNT_VALUE', reason: 'This coupon carries no discount value the till can apply, so it is not used.' } };
  }
  return 'hold';
}

/** A held coupon, as the quote shows it. */
export function heldCoupon(coupon: CouponAsked, lookup: CouponLookup): CouponQuote {
  return { ...askedCoupon(coupon), accepted: true, ...(lookup.valueMinor !== undefined && { valueMinor: lookup.valueMinor }) };
}

/** The commit's answer: what the vendors approved and what the customer still has to pay. */
export function commitmentOf(s: SagaState, refusals: Refusal[], holdExpiresAt: string): CheckoutCommitment {
  // Back-end reduction: CRM.COM pays every spend it made (automatic, or asked for on the back-office
  // API) back to the customer itself; deducting it here too would discount the customer twice. Data
  // only (no command changes): no patch needed. Legacy back-end sagas asked for no spend (approved 0).
  const reductionMethod = s.loyaltyPreview?.reductionMethod;
  const paidOut = reductionMethod === 'back_end';
  const spendMinor = paidOut ? 0 : (s.purchase?.spend?.approvedMinor ?? 0);
  // Posted after payment (s.purchaseAfterPayment): what will be paid out, from the preview (the
  // spend asked, capped by the quote); the receipt says what CRM.COM actually paid out.
  const backEndSpendMinor = !paidOut
    ? 0
    : s.purchaseAfterPayment
      ? (s.loyaltyPreview?.automaticSpendMinor ?? 0) + s.purchaseAfterPayment.spendMinor
      : (s.purchase?.automaticSpendMinor ?? 0) + (s.purchase?.spend?.approvedMinor ?? 0);
  const automaticSpendMinor = paidOut ? 0 : (s.purchase?.automaticSpendMinor ?? 0);
  const pointsMinor = s.pointsAfterBill ? s.pointsValueMinor : (s.pointsRedemption?.valueMinor ?? 0);
  const couponsMinor = s.acceptedCoupons().reduce((sum, c) => sum + (c.valueMinor ?? 0), 0);
  for (const c of s.coupons) if (c.refusal) refusals.push(c.refusal);
  return {
    checkoutId: s.ref.checkoutId,
    state: 'committed',
    currency: s.ref.currency,
    totalMinor: s.input.totalMinor,
    discounts: { spendMinor, automaticSpendMinor, pointsMinor, couponsMinor },
    amountDueMinor: Math.max(0, s.input.totalMinor - spendMinor - automaticSpendMinor - pointsMinor - couponsMinor),
    refusals,
    holdExpiresAt,
    ...(reductionMethod && s.loyaltyCustomer && { loyalty: { reductionMethod, backEndSpendMinor } }),
    ...unavailableOf(s),
  };
}

/** The vendor references the receipt starts from: what reserve and commit produced. */
export function referencesBeforeComplete(s: SagaState): CheckoutReceipt['references'] {
  return {
    ...(s.purchase && { crmcomPurchaseNumber: s.purchase.purchaseNumber }),
    ...(s.purchase?.spend?.spendNumber && { crmcomSpendNumber: s.purchase.spend.spendNumber }),
    ...(s.pointsRedemption && { pointsRedemptionId: s.pointsRedemption.redemptionId }),
  };
}

/** What the complete phase gathered on its way, for the receipt. */
export interface CompletedSteps {
  amountDueMinor: number;
  paidMinor: number | undefined;
  paymentMethod?: string;
  references: CheckoutReceipt['references'];
  postTender?: CheckoutReceipt['postTender'];
  /** Capillary redemption ids by coupon code: a later void reactivates the coupon with them. */
  couponRedemptionIds: Record<string, string>;
  exceptions: Refusal[];
}

/** The receipt: what was awarded, spent and redeemed, and every exception finance must settle. */
export function receiptOf(s: SagaState, done: CompletedSteps): CheckoutReceipt {
  const customer = s.loyaltyCustomer;
  const awardedMinor = s.purchase?.awardedMinor ?? 0;
  const spentMinor = (s.purchase?.spend?.approvedMinor ?? 0) + (s.purchase?.automaticSpendMinor ?? 0);
  return {
    currency: s.ref.currency,
    totalMinor: s.input.totalMinor,
    amountDueMinor: done.amountDueMinor,
    paidMinor: done.paidMinor ?? done.amountDueMinor,
    ...(done.paymentMethod && { paymentMethod: done.paymentMethod }),
    awardedMinor,
    spentMinor,
    ...(customer && {
      walletBalanceBeforeMinor: customer.walletBalanceMinor,
      walletBalanceAfterMinor: customer.walletBalanceMinor + awardedMinor - spentMinor,
    }),
    pointsRedeemed: s.pointsRedemption?.points ?? 0,
    pointsValueMinor: s.pointsRedemption?.valueMinor ?? 0,
    coupons: s.acceptedCoupons().map((c) => ({
      provider: c.provider,
      code: c.code,
      ...(c.valueMinor !== undefined && { valueMinor: c.valueMinor }),
      ...(done.couponRedemptionIds[c.code] && { redemptionId: done.couponRedemptionIds[c.code] }),
    })),
    ...(done.postTender && { postTender: done.postTender }),
    // A sale without a CRM.COM customer, or whose CRM.COM did not answer in time (left out): the
    // customer claims the award later by scanning a code (data only: no command changes).
    ...((!customer || s.loyaltyLeftOut) && s.input.reclaimCodes && { crmcomReclaim: s.input.reclaimCodes }),
    ...(customer && s.loyaltyPreview?.reductionMethod === 'back_end' && spentMinor > 0 && { crmcomPaidOut: { spendMinor: spentMinor } }),
    references: done.references,
    exceptions: done.exceptions,
    ...unavailableOf(s),
  };
}
