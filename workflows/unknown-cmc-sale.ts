import { RefusalCodes, checkoutReference, type CheckoutReceipt, type CheckoutRef, type Refusal } from './checkout.contract';

/**
 * A void's or return's CMC refund for a sale whose CMC send ended "outcome unknown" (cmc.vendor.ts:
 * at most once, no lookup): there is no CMC id to refund against and ClearLine may never have had
 * the sale, so nothing is sent; this exception tells finance to check ClearLine and refund by hand.
 * Undefined when the sale's CMC outcome was known.
 */
export function refundOfUnknownCmcSale(receipt: CheckoutReceipt, ref: CheckoutRef, what: 'void' | 'return'): Refusal | undefined {
  const unknown = receipt.exceptions.some((e) => e.vendor === 'cmc' && e.code === RefusalCodes.outcomeUnknown);
  if (!unknown || receipt.references.cmcTransactionId) return undefined;
  return {
    vendor: 'cmc',
    code: RefusalCodes.outcomeUnknown,
    reason: `no CMC refund sent for this ${what}: the sale ${checkoutReference(ref)} may or may not have reached ClearLine (its outcome was unknown); check ClearLine and refund it by hand if it is there`,
  };
}
