import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CheckoutView } from './checkout.contract';

/**
 * The POS drives a checkout with these Updates (the first one through Update-with-Start). Each
 * answers with a snapshot of the checkout's view as the phase left it, so the API never needs a
 * query (which would queue behind the workflow's tasks) to answer the till.
 */
export const reserveCheckout = defineUpdate<CheckoutView>('reserveCheckout');
export const commitCheckout = defineUpdate<CheckoutView, [{ spendMinor?: number }]>('commitCheckout');
export const completeCheckout = defineUpdate<CheckoutView, [{ paidMinor?: number; method?: string }]>('completeCheckout');
export const cancelCheckout = defineUpdate<CheckoutView>('cancelCheckout');
/**
 * One-shot (`"complete": true`): reserve, commit and complete in one Update, driven by the workflow
 * itself, so a sale the API stopped waiting for (202) still completes, and the till pays one round
 * trip instead of three. Its answer is the final view, like complete's.
 */
export const runOneShotCheckout = defineUpdate<CheckoutView, [OneShotRequest]>('runOneShotCheckout');

export interface OneShotRequest {
  /** The POS request's hash, as in the start memo: another sale reusing the checkout key is refused before any step. */
  requestHash: string;
}
/** Ops: runs the undos that failed again, for a saga waiting in compensation_failed. */
export const retryCompensation = defineUpdate<CheckoutView>('retryCompensation');
export const checkoutView = defineQuery<CheckoutView>('checkoutView');
