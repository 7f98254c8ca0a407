import { randomUUID } from 'node:crypto';
import type { CheckoutReceipt, CheckoutRef, CheckoutView } from '../../workflows/checkout.contract';

/** A completed checkout of a fresh POS reference (merchant m, store S1, till T1) with `receipt`: what a void or a return starts from. */
export function completedCheckout(receipt: CheckoutReceipt): { ref: CheckoutRef; view: CheckoutView } {
  const posReference = randomUUID();
  const ref: CheckoutRef = { checkoutId: `checkout:m:S1:T1:${posReference}`, merchant: 'm', store: 'S1', till: 'T1', posReference, currency: receipt.currency };
  return { ref, view: { checkoutId: ref.checkoutId, state: 'completed', compensations: [], receipt } };
}

/** The same completed view, but its CMC send ended "outcome unknown": no CMC id, the exception on the receipt. */
export function withUnknownCmcSale(view: CheckoutView): CheckoutView {
  const receipt = view.receipt!;
  const references = { ...receipt.references };
  delete references.cmcTransactionId;
  return { ...view, receipt: { ...receipt, references, exceptions: [{ vendor: 'cmc', code: 'OUTCOME_UNKNOWN', reason: 'the sale may have reached ClearLine' }] } };
}
