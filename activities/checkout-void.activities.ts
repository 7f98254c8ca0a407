import { capillaryBillNumberOf, checkoutReference, type CheckoutLine, type CheckoutRef } from '../workflows/checkout.contract';
import { checkoutStepContext, type StepDeps } from './activity-scope';
import type {
  CouponCapability,
  CustomerIdentifier,
  LoyaltyCapability,
  PointsCapability,
  PostTenderCapability,
  PostTenderReceipt,
  TransactionCapability,
} from './vendors/capabilities';

/** What the void needs to refund the CMC post-tender transaction with a negative one. */
export interface PostTenderRefund {
  /** The transactionId the sale was sent under: our checkout reference, not CMC's own id. */
  originalTransactionId: string;
  amountMinor: number;
  transactionDate: string;
  lines: CheckoutLine[];
}

/** What the void needs to return the Capillary bill in full. */
export interface SaleFullReturn {
  amountMinor: number;
  originalBillingTime: string;
  billingTime: string;
  /** The bill's customer; absent when the bill went to Capillary as `not_interested`. */
  customer?: CustomerIdentifier;
}

/**
 * Steps of the void of a completed checkout (voidCheckoutWorkflow). Each undoes one effect the
 * checkout left at a vendor; every capability method is idempotent by its reference and treats
 * "already undone" as done. New effects (the Capillary return, the CMC refund) get their own
 * reference derived from the checkout's (`:void`, `:refund`), so they never collide with the sale's.
 */
export function createVoidActivities(deps: {
  loyalty: LoyaltyCapability;
  points: PointsCapability;
  coupons: Record<'capillary', CouponCapability>;
  transactions: TransactionCapability;
  postTender: PostTenderCapability;
} & StepDeps) {
  const ctx = (ref: CheckoutRef, step: string, reference = checkoutReference(ref)) => checkoutStepContext(deps, ref, step, reference);
  return {
    /** CRM.COM: the purchase cancelled, its spend first (inside voidPurchase). */
    async voidCompletedPurchase(ref: CheckoutRef, purchase: { purchaseNumber: string; spendNumber?: string | null }): Promise<{ alreadyVoided: boolean }> {
      return deps.loyalty.voidPurchase(ctx(ref, 'void: purchase cancel'), { purchaseNumber: purchase.purchaseNumber, spendNumber: purchase.spendNumber ?? null });
    },

    /** Capillary: a FULL return of the checkout's bill, under the bill client id `<bill number>:void`. */
    async returnCompletedSale(ref: CheckoutRef, sale: SaleFullReturn): Promise<{ transactionId: string | null; alreadyReturned: boolean }> {
      const bill = capillaryBillNumberOf(ref);
      return deps.transactions.returnTransaction(ctx(ref, 'void: transaction return', `${bill}:void`), {
        originalBillNumber: bill,
        originalBillingTime: sale.originalBillingTime,
        billingTime: sale.billingTime,
        returnType: 'FULL',
        amountMinor: sale.amountMinor,
        ...(sale.customer && { customer: sale.customer }),
      });
    },

    /** Capillary: the points redeemed on the bill given back. */
    async reverseCompletedPoints(
      ref: CheckoutRef,
      customer: CustomerIdentifier,
      redemption: { redemptionId: string; points: number; valueMinor: number },
    ): Promise<{ alreadyReversed: boolean }> {
      return deps.points.reversePoints(ctx(ref, 'void: points reverse'), { identifier: customer }, redemption);
    },

    /** Capillary coupons: reactivated by their redemption id (the adapter refuses without one). */
    async reinstateCompletedCoupon(ref: CheckoutRef, coupon: { code: string; redemptionId?: string }): Promise<{ alreadyReinstated: boolean }> {
      return deps.coupons.capillary.reinstate(ctx(ref, 'void: coupon reactivate', `${checkoutReference(ref)}:${coupon.code}`), {
        code: coupon.code,
        ...(coupon.redemptionId && { redemptionId: coupon.redemptionId }),
        compensable: true,
      });
    },

    /** CMC: a negative transaction `<reference>:refund` referencing the original (ClearLine has no cancel). */
    async refundPostTender(ref: CheckoutRef, refund: PostTenderRefund): Promise<PostTenderReceipt> {
      return deps.postTender.sendRefund(ctx(ref, 'void: post-tender refund', `${checkoutReference(ref)}:refund`), {
        terminalId: ref.till,
        posLocationId: ref.store,
        amountMinor: refund.amountMinor,
        transactionDate: refund.transactionDate,
        lines: refund.lines,
        originalTransactionId: refund.originalTransactionId,
      });
    },
  };
}
