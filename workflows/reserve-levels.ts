import type { CheckoutQuote, CouponQuote } from './checkout.contract';
import { compensation } from './activity-options';
import { checkPointsStep, findPointsCustomerStep } from './capillary-steps';
import { asRefusal, rejectCheckout } from './failures';
import { step, type LocalFirstSteps } from './local-first';
import { askedCoupon, couponAfterLookup, heldCoupon, quoteOf } from './phase-answers';
import { loyaltyPurchase } from './reserve-phase';
import type { SagaState } from './saga-state';
import { firstRoundDeadline, unavailableRefusal, type TillDeadline } from './till-deadline';

/**
 * Reserve of checkoutWorkflowV2, in two barrier groups of local activities (local-first.ts):
 * 1. who the customers are and what each coupon is: CRM.COM identify, Capillary customer, coupon lookups;
 * 2. what they may spend, and the holds: CRM.COM preview, Capillary points check, coupon holds (each
 *    hold's release registered first).
 * A refusal of the CRM.COM customer refuses the checkout before anything is held; a refused points
 * check or coupon is part of the quote. The same answer as v1's reserve (phase-answers.ts).
 * With a till's `deadline`, a vendor that has not answered by then is left out of the quote and named
 * unavailable (till-deadline.ts): CRM.COM's loyalty (the receipt then carries the reclaim codes), the
 * points, a coupon (a hold cut short is released at once, in case it landed).
 */
export async function reserveInLevels(s: SagaState, steps: LocalFirstSteps, holdExpiresAt: string, deadline?: TillDeadline): Promise<CheckoutQuote> {
  const { input, ref } = s;
  const customer = input.customer;
  const points = input.points;

  const [identified, pointsCustomer, ...lookups] = await steps.group('beforePayment', [
    customer && step('identifyCustomer', ref, customer.identifier),
    points && findPointsCustomerStep(ref, points),
    ...input.coupons.map((c) => step('lookUpCoupon', ref, c.provider, c.code, points?.customer, input.totalMinor)),
  ], firstRoundDeadline(deadline, steps.now()));
  if (identified && !identified.ok && identified.unavailable && customer) leaveOutLoyalty(s, customer.provider);
  else if (identified && !identified.ok) throw loyaltyFailure(identified.error);
  const failures: unknown[] = [];
  if (pointsCustomer && !pointsCustomer.ok && pointsCustomer.unavailable && points) leaveOutPoints(s, points.provider);
  else if (pointsCustomer && !pointsCustomer.ok) refusePointsOr(s, pointsCustomer.error, failures);
  const quotes: Array<CouponQuote | 'hold'> = input.coupons.map((coupon, i) => {
    const lookup = lookups[i];
    if (!lookup.ok && lookup.unavailable) {
      s.leaveOut(coupon.provider);
      return { ...askedCoupon(coupon), accepted: false, refusal: unavailableRefusal(coupon.provider, 'the coupon') };
    }
    if (!lookup.ok) {
      const refusal = asRefusal(lookup.error);
      if (!refusal) failures.push(lookup.error);
      return { ...askedCoupon(coupon), accepted: false, ...(refusal && { refusal }) };
    }
    return couponAfterLookup(coupon, lookup.value, () => true);
  });
  if (failures.length > 0) throw failures[0];

  if (identified?.ok) s.loyaltyCustomer = identified.value;
  if (pointsCustomer?.ok) s.pointsCustomer = pointsCustomer.value;
  const toHold = input.coupons.flatMap((c, i) => (quotes[i] === 'hold' ? [{ coupon: c, lookup: lookups[i] }] : []));
  for (const { coupon } of toHold) s.compensations.push(releaseStep(coupon), () => compensation.releaseCoupon(ref, coupon.provider, coupon.code));

  const loyaltyCustomer = s.loyaltyCustomer;
  const found = s.pointsCustomer;
  const [preview, check, ...holds] = await steps.group('beforePayment', [
    loyaltyCustomer && step('previewLoyalty', ref, loyaltyCustomer, loyaltyPurchase(input)),
    points && found && checkPointsStep(ref, found, points),
    ...toHold.map(({ coupon }) => step('holdCoupon', ref, coupon.provider, coupon.code)),
  ], deadline);
  if (check && !check.ok && check.unavailable && points) leaveOutPoints(s, points.provider);
  else if (check) {
    if (check.ok) {
      s.pointsAccepted = check.value.redeemable;
      s.pointsValueMinor = check.value.redeemable ? check.value.valueMinor : 0;
      if (check.value.refusal && points) s.pointsRefusal = { vendor: points.provider, ...check.value.refusal };
    } else refusePointsOr(s, check.error, failures);
  }
  const held = toHold.map(({ coupon, lookup }, i): CouponQuote => {
    const hold = holds[i];
    if (hold.ok && lookup.ok) return heldCoupon(coupon, lookup.value);
    if (!hold.ok && hold.unavailable) {
      s.leaveOut(coupon.provider, releaseStep(coupon), deadline?.landsWithinMs);
      return { ...askedCoupon(coupon), accepted: false, refusal: unavailableRefusal(coupon.provider, 'the coupon') };
    }
    const refusal = hold.ok ? undefined : asRefusal(hold.error);
    if (refusal) s.compensations.discard(releaseStep(coupon));
    else if (!hold.ok) failures.push(hold.error);
    return { ...askedCoupon(coupon), accepted: false, ...(refusal && { refusal }) };
  });
  // Throws after every hold is accounted for: the saga unwinds the holds that landed.
  if (preview && !preview.ok && preview.unavailable && customer) leaveOutLoyalty(s, customer.provider);
  else if (preview && !preview.ok) throw loyaltyFailure(preview.error);
  if (failures.length > 0) throw failures[0];
  if (preview?.ok) s.loyaltyPreview = preview.value;

  s.coupons = quotes.map((q) => (q === 'hold' ? (held.shift() as CouponQuote) : q));
  return quoteOf(s, holdExpiresAt);
}

const releaseStep = (coupon: { provider: string; code: string }) => `release coupon ${coupon.provider}:${coupon.code}`;

/** The CRM.COM customer could not be identified or previewed: a refusal refuses the checkout. */
function loyaltyFailure(err: unknown): unknown {
  const refusal = asRefusal(err);
  return refusal ? rejectCheckout('identify', refusal) : err;
}

/** CRM.COM did not answer in time: the sale goes on without its loyalty (no award or spend at the till). */
function leaveOutLoyalty(s: SagaState, vendor: string): void {
  s.leaveOut(vendor);
  s.loyaltyLeftOut = true;
  s.loyaltyCustomer = undefined;
}

/** Capillary did not answer in time: the points are not used in this sale. */
function leaveOutPoints(s: SagaState, vendor: string): void {
  s.leaveOut(vendor);
  s.pointsAccepted = false;
  s.pointsValueMinor = 0;
  s.pointsRefusal = unavailableRefusal(vendor, 'the points');
}

/** A refused points step is part of the quote; anything else fails the reserve. */
function refusePointsOr(s: SagaState, err: unknown, failures: unknown[]): void {
  const refusal = asRefusal(err);
  if (!refusal) {
    failures.push(err);
    return;
  }
  s.pointsAccepted = false;
  s.pointsRefusal = refusal;
}
