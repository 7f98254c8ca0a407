import { CancellationScope, sleep } from '@temporalio/workflow';
import type {
  LoyaltyCustomer,
  LoyaltyPreview,
  LoyaltyPurchaseResult,
  PointsCustomer,
  PointsRedemption,
} from '../activities/vendors/capabilities';
import { vendorsOf, type CheckoutInput, type CheckoutRef, type CheckoutState, type CheckoutView, type CouponQuote, type Refusal } from './checkout.contract';
import { CompensationStack, type CompensationOutcome } from './compensation-stack';

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
  /**
   * A CRM.COM back-end sale (input.crmcomReduction back_end): commit left the purchase to the complete
   * phase, after payment, with this spend (0: none). Undefined otherwise.
   */
  purchaseAfterPayment?: { spendMinor: number };
  /** Vendors left out of this sale because they did not answer within the till's budget (till-deadline.ts). */
  readonly unavailable = new Set<string>();
  /** CRM.COM was left out (unavailable): no award at the till, so the receipt carries the reclaim codes. */
  loyaltyLeftOut = false;
  /** Undos of steps the till's deadline cut short, running in the background; the saga ends after them. */
  readonly lateUndos: Array<Promise<CompensationOutcome>> = [];

  /** `saleChain`: checkoutWorkflowV2 names its execution chain in every step's ref (CheckoutRef.saleChain). */
  constructor(
    readonly input: CheckoutInput,
    saleChain?: string,
  ) {
    this.ref = {
      checkoutId: input.checkoutId,
      merchant: input.merchant,
      store: input.store,
      till: input.till,
      posReference: input.posReference,
      currency: input.currency,
      ...(input.capillaryBillNumber && { capillaryBillNumber: input.capillaryBillNumber }),
      ...(saleChain && { saleChain }),
      // Data for the activities only (no command changes): sagas without it replay as recorded.
      ...(input.storeProfile && { storeProfile: input.storeProfile }),
      ...(input.requestHash && { requestHash: input.requestHash }),
    };
    this.view = { checkoutId: input.checkoutId, state: 'pending', compensations: [] };
  }

  /**
   * Names `vendor` unavailable and, in the background, undoes `undoStep`'s effect in case the cut-short
   * step lands: after `landsWithinMs`, when it can no longer land unseen (its undo looks it up first).
   * Until then the undo stays on the stack, so a sale unwound meanwhile undoes it with the rest, once.
   */
  leaveOut(vendor: string, undoStep?: string, landsWithinMs?: number): void {
    this.unavailable.add(vendor);
    if (!undoStep) return;
    this.lateUndos.push(
      CancellationScope.nonCancellable(async () => {
        if (landsWithinMs) await sleep(landsWithinMs);
        return this.compensations.runNow(undoStep);
      }),
    );
  }

  acceptedCoupons(): CouponQuote[] {
    return this.coupons.filter((c) => c.accepted);
  }

  /** The vendors this checkout touches, for the CheckoutVendors search attribute. */
  vendors(): string[] {
    return vendorsOf(this.input);
  }
}
