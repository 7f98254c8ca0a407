import type { CheckoutRef, CustomerRef, Refusal } from './checkout.contract';

/**
 * POST /v1/checkouts/{id}/capillary-customer: a completed checkout whose Capillary bill went
 * `not_interested` (no customer at the till) tagged with the customer who identified later. One
 * workflow per checkout (`capillary-retro:<checkoutId>`), one activity.
 */
export interface RetroTagInput {
  /** The checkout, with the bill number it was billed under. */
  ref: CheckoutRef;
  /** The bill's Capillary transaction id (the receipt's capillaryTransactionId). */
  transactionId: string;
  customer: CustomerRef;
  /** Keyed digest of the customer (never the identifier): a repeated request with another customer is told apart by it. */
  customerDigest: string;
}

export type RetroTagOutcome =
  | { outcome: 'tagged'; billNumber: string; transactionId: string; alreadyTagged: boolean; customerDigest: string }
  | { outcome: 'refused'; refusal: Refusal };

/** Our refusal code: the bill is already a regular bill of another customer (activities/vendors/capillary-retro.ts). */
export const TAGGED_TO_ANOTHER_CUSTOMER = 'TAGGED_TO_ANOTHER_CUSTOMER';

export function retroTagWorkflowId(checkoutId: string): string {
  return `capillary-retro:${checkoutId}`;
}
