import type {
  LoyaltyCustomer,
  LoyaltyPreview,
  LoyaltyPurchaseResult,
  PointsCustomer,
  PointsRedemption,
} from '../activities/vendors/capabilities';
import type { CheckoutInput, CheckoutRef, CheckoutState, CheckoutView, CouponQuote, Refusal } from './checkout.contract';
import { CompensationStack } from './compensation-stack';

/** Everything one checkout saga knows; the phases read and extend it, the view is what the API sees. */
export class SagaState {
  readonly ref: CheckoutRef;
  readonly compensations = new CompensationStack();
  state: CheckoutState = 'pending';
  readonly view: CheckoutView;

  loyaltyCustomer?: LoyaltyCustomer;
  loyaltyPreview?: LoyaltyPreview;
  pointsCustomer?: PointsCustomer;
  pointsAccepted = false;
  pointsValueMinor = 0;
  pointsRefusal?: Refusal;
  coupons: CouponQuote[] = [];
  purchase?: LoyaltyPurchaseResult;
  pointsRedemption?: PointsRedemption;
  /** Commit left the redemption to the complete phase: after the bill, on its success (the POS guide's order). */
  pointsAfterBill = false;

  constructor(readonly input: CheckoutInput) {
    this.ref = {
      checkoutId: input.checkoutId,
      merchant: input.merchant,
      store: input.store,
      till: input.till,
      posReference: input.posReference,
      currency: input.currency,
      ...(input.capillaryBillNumber && { capillaryBillNumber: input.capillaryBillNumber }),
    };
    this.view = { checkoutId: input.checkoutId, state: 'pending', compensations: [] };
  }

  acceptedCoupons(): CouponQuote[] {
    return this.coupons.filter((c) => c.accepted);
  }

  /** The vendors this checkout touches, for the CheckoutVendors search attribute. */
  vendors(): string[] {
    const names = new Set<string>();
    if (this.input.customer) names.add(this.input.customer.provider);
    if (this.input.points) names.add(this.input.points.provider);
    for (const c of this.input.coupons) names.add(c.provider);
    if (this.input.postTender) names.add(this.input.postTender.provider);
    return [...names].sort();
  }
}
