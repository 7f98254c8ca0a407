import { patched } from '@temporalio/workflow';

/**
 * Every patched() id of the checkout workflow and the change it guards. A saga whose history was
 * recorded before a change replays the old way (patched() is false there); new sagas, and old ones
 * reaching the point for the first time, take the new way. Remove an id (deprecatePatch first) only
 * once no saga recorded without it can still be running or replayed.
 */
export const Patches = {
  /** Upserts CheckoutFailingStep when a phase or an undo fails, and clears it when ops recover the saga. */
  failingStep: 'search-attribute-failing-step',
  /** A saga that ends compensation_failed stays open, waiting for an ops retry (or an ops cancel). */
  opsRetry: 'ops-retry-compensation',
  /** Bills every back-office batch sale at Capillary, even one that used no Capillary points or coupons (issue 5). */
  capillaryBatchBill: 'capillary-batch-bill',
  /**
   * The complete phase (after payment) runs to its end through an operator's cancel (a Temporal
   * cancellation): its vendor calls are not cancelled and the paid sale is not unwound.
   */
  completeSurvivesOperatorCancel: 'complete-survives-operator-cancel',
  /**
   * Capillary in the POS guide's order (issue 17): the commit only applies the checked points value;
   * after payment the bill (transaction/add) goes first and, on its success, the points and the
   * Capillary coupons are redeemed. Points are still redeemed at commit for an org configured for it
   * (`points.redeemBeforePayment`). Sagas recorded before redeemed points at commit and redeemed the
   * coupons in parallel with the bill.
   */
  capillaryRedeemAfterBill: 'capillary-redeem-after-bill',
  /** The void reverses Capillary points before it returns the bill (vendors.md's undo table); before: after. */
  voidReversesPointsBeforeBillReturn: 'void-points-before-bill-return',
  /** A partial return reverses the Capillary points share before it returns the bill's share (as the void); before: after. */
  returnsReversePointsBeforeBillReturn: 'returns-points-before-bill-return',
  /** A coupon whose lookup gives no discount value (0 or unknown) is refused at reserve: never held, validated or redeemed (issue 17). */
  couponWithoutValue: 'coupon-without-value-not-used',
  /**
   * checkoutWorkflowV2: an ops retry upserts the search attributes when it ends, so one that fails again
   * shows CheckoutState compensation_failed and its CheckoutFailingStep; before, visibility kept
   * `compensating` (and the previous failing step) until the next retry or the close.
   */
  failedRetryShown: 'ops-retry-shows-its-outcome',
} as const;

export type PatchId = (typeof Patches)[keyof typeof Patches];

/** The one call site of patched(): the patch replay test swaps this module to prove each guard is needed. */
export function isPatched(id: PatchId): boolean {
  return patched(id);
}
