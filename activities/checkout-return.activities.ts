import { capillaryBillNumberOf, checkoutReference, type CheckoutLine, type CheckoutRef } from '../workflows/checkout.contract';
import { checkoutStepContext, type StepDeps } from './activity-scope';
import { recordRecoveredEffect } from './vendors/vendor-call';
import type {
  CustomerIdentifier,
  LoyaltyCapability,
  PointsCapability,
  PostTenderCapability,
  PostTenderReceipt,
  TransactionCapability,
} from './vendors/capabilities';

/** The reference every vendor sees for one return: `<checkout reference>:return:<returnReference>`. */
export function returnVendorReference(ref: CheckoutRef, returnReference: string): string {
  return `${checkoutReference(ref)}:return:${returnReference}`;
}

export interface BillPartReturn {
  returnReference: string;
  /** The bill's share being returned (the share of the amount paid, which is what the bill carried). */
  amountMinor: number;
  originalBillingTime: string;
  billingTime: string;
  customer?: CustomerIdentifier;
}

export interface PointsPartReversal {
  returnReference: string;
  redemptionId: string;
  points: number;
  valueMinor: number;
  /** Points of this redemption reversed by earlier returns: a retry that finds more already reversed is done. */
  reversedBefore: number;
}

export interface GoodsReturn {
  returnReference: string;
  /** The CRM.COM customer of the sale; absent for a sale without one (reclaim codes). */
  customer?: CustomerIdentifier;
  amountMinor: number;
  performedOn: string;
  lines?: CheckoutLine[];
  originalPurchaseNumber?: string;
}

export interface PostTenderPartRefund {
  returnReference: string;
  amountMinor: number;
  transactionDate: string;
  lines: CheckoutLine[];
}

/**
 * Steps of one partial return (checkoutReturnsWorkflow). Each return's effects carry the return's
 * own reference, so retries of one return never collide with another's, nor with the sale's.
 */
export function createReturnActivities(deps: {
  loyalty: LoyaltyCapability;
  points: PointsCapability;
  transactions: TransactionCapability;
  postTender: PostTenderCapability;
} & StepDeps) {
  const ctx = (ref: CheckoutRef, step: string, returnReference: string) =>
    checkoutStepContext(deps, ref, `return: ${step}`, returnVendorReference(ref, returnReference));
  return {
    /**
     * Capillary: RETURN with return_type AMOUNT for the bill's share. Always AMOUNT, also for a return
     * by line: Capillary refuses mixing LINE_ITEM and AMOUNT returns on one bill (632/635) while the
     * POS may mix them, and the bill's lines are gross while its amount is net of discounts, so only an
     * AMOUNT share makes Capillary deduct exactly the pro-rata points.
     */
    async returnBillPart(ref: CheckoutRef, part: BillPartReturn): Promise<{ transactionId: string | null; alreadyReturned: boolean }> {
      return deps.transactions.returnTransaction(ctx(ref, 'transaction return', part.returnReference), {
        originalBillNumber: capillaryBillNumberOf(ref),
        originalBillingTime: part.originalBillingTime,
        billingTime: part.billingTime,
        returnType: 'AMOUNT',
        amountMinor: part.amountMinor,
        ...(part.customer && { customer: part.customer }),
      });
    },

    /** Capillary: part of the redeemed points given back (pointsToBeReversed); no idempotency key, so a retry looks first. */
    async reversePointsPart(ref: CheckoutRef, customer: CustomerIdentifier, part: PointsPartReversal): Promise<{ alreadyReversed: boolean }> {
      const c = ctx(ref, 'points reverse', part.returnReference);
      const mayHaveBeenSent = await c.effectMayHaveBeenSent('capillary', 'points.reverse');
      if (mayHaveBeenSent && (await deps.points.pointsReversed(c, { identifier: customer }, part.redemptionId)) >= part.reversedBefore + part.points) {
        await recordRecoveredEffect(c, {
          vendor: 'capillary',
          operation: 'points.reverse',
          foundBy: 'customer.redemptions.points',
          vendorReference: null,
        });
        return { alreadyReversed: true };
      }
      return deps.points.reversePoints(c, { identifier: customer }, { redemptionId: part.redemptionId, points: part.points, valueMinor: part.valueMinor });
    },

    /** CRM.COM: return of goods (back-office ad hoc return); the customer identified first, as the vendor keys returns by contact. */
    async returnGoods(ref: CheckoutRef, goods: GoodsReturn): Promise<{ returnNumber: string; alreadyReturned: boolean }> {
      const c = ctx(ref, 'goods return', goods.returnReference);
      const customer = goods.customer ? await deps.loyalty.identify(c, goods.customer) : undefined;
      return deps.loyalty.returnGoods(c, {
        ...(customer && { accountNumber: customer.accountNumber }),
        amountMinor: goods.amountMinor,
        performedOn: goods.performedOn,
        ...(goods.lines && { lines: goods.lines }),
        ...(goods.originalPurchaseNumber && { originalPurchaseNumber: goods.originalPurchaseNumber }),
      });
    },

    /** CMC: a negative transaction for the refunded share, referencing the sale's transactionId. */
    async refundPostTenderPart(ref: CheckoutRef, part: PostTenderPartRefund): Promise<PostTenderReceipt> {
      return deps.postTender.sendRefund(ctx(ref, 'post-tender refund', part.returnReference), {
        terminalId: ref.till,
        posLocationId: ref.store,
        amountMinor: part.amountMinor,
        transactionDate: part.transactionDate,
        lines: part.lines,
        originalTransactionId: checkoutReference(ref),
      });
    },
  };
}
