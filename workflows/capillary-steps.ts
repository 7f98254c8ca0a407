import type { CheckoutInput, CheckoutRef, CouponQuote, CustomerRef } from './checkout.contract';
import type { PointsCustomer } from '../activities/vendors/capabilities';
import { step } from './local-first';

/**
 * The Capillary steps whose arguments grew with issue 19 (validation codes, enrolment details). Each
 * new argument is passed only when the till sent it: a v2 step's remembered result is keyed by its
 * arguments (activities/remembered-steps.ts), so a saga started without them keeps the keys it had.
 */

type Points = NonNullable<CheckoutInput['points']>;

/** The customer lookup, enrolling an unknown customer when the till sent the details. */
export function findPointsCustomerStep(ref: CheckoutRef, points: Points) {
  return points.enrol === undefined ? step('findPointsCustomer', ref, points.customer) : step('findPointsCustomer', ref, points.customer, points.enrol);
}

export function checkPointsStep(ref: CheckoutRef, customer: PointsCustomer, points: Points) {
  return points.validationCode === undefined
    ? step('checkPoints', ref, customer, points.points)
    : step('checkPoints', ref, customer, points.points, points.validationCode);
}

export function redeemPointsStep(ref: CheckoutRef, customer: PointsCustomer, points: Points) {
  return points.validationCode === undefined
    ? step('redeemPoints', ref, customer, points.points)
    : step('redeemPoints', ref, customer, points.points, points.validationCode);
}

/** A quoted coupon's redemption, with the validation code the input carries for it (quotes never show it). */
export function redeemCapillaryCouponStep(input: CheckoutInput, ref: CheckoutRef, coupon: CouponQuote, billAmountMinor: number, customer: CustomerRef | undefined) {
  const validationCode = input.coupons.find((c) => c.provider === coupon.provider && c.code === coupon.code)?.validationCode;
  return step('redeemCoupon', ref, coupon.provider, coupon.code, {
    billAmountMinor,
    customer,
    ...(validationCode !== undefined && { validationCode }),
  });
}
